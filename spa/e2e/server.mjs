// Starts the real marquee binary on a free port with a fresh data dir, for one test file,
// and runs its other commands (user create, ingest) against the same data dir.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function binary() {
  const bin = process.env.MARQUEE_BIN;
  if (!bin) throw new Error('MARQUEE_BIN must point at a built marquee binary (make test sets it)');
  return bin;
}

/** A fresh data dir and a way to run marquee commands on it before (or while) it serves. */
export function dataDir() {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-e2e-'));
  return {
    dir,
    /** Runs `marquee ...args --data-dir dir`; a trailing { timeout } (ms) overrides the 2 minutes. */
    async run(...args) {
      const opts = typeof args.at(-1) === 'object' ? args.pop() : {};
      const { stdout } = await exec(binary(), [...args, '--data-dir', dir], { timeout: opts.timeout ?? 120_000, maxBuffer: 1 << 24 });
      return stdout;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An H.264/AAC test clip made with ffmpeg's generators: 640×360 gives the 240p and 360p rungs. */
export async function makeClip(dir, seconds = 12, size = '640x360') {
  const file = join(dir, 'clip.mp4');
  await exec('ffmpeg', [
    '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=30`,
    '-f', 'lavfi', '-i', 'sine=frequency=440',
    '-t', String(seconds), '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', file,
  ], { timeout: 120_000 });
  return file;
}

/**
 * A server holding one title transcoded from a generated clip, ingested from the shell, and
 * an administrator on Premium (admin) who can watch it; no workers, no demo catalog.
 */
export async function servedTitle(name, { seconds = 12, size = '640x360', ingestArgs = [] } = {}) {
  const data = dataDir();
  const clip = await makeClip(data.dir, seconds, size);
  await data.run('user', 'create', '--email', admin.email, '--password', admin.password, '--admin', '--plan', 'premium');
  const out = await data.run('ingest', '--file', clip, '--name', name, '--wait', ...ingestArgs);
  const titleId = out.match(/title=(\d+)/)[1];
  const server = await startMarquee({ data, args: ['--workers', '0', '--seed-demo=false'] });
  return { server, titleId };
}

/** The administrator servedTitle creates. */
export const admin = { email: 'admin@example.com', password: 'correct horse battery' };

/**
 * Serves on a free port. By default with a fresh data dir and no transcoder workers;
 * pass data (from dataDir) to serve content prepared beforehand, and extra flags such
 * as ['--workers', '1', '--seed-demo=false'].
 */
export async function startMarquee({ data, args = ['--workers', '0'] } = {}) {
  const own = !data;
  const store = data ?? dataDir();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = spawn(binary(), ['serve', '--data-dir', store.dir, '--addr', `127.0.0.1:${port}`, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  proc.stderr.on('data', (d) => { log += d; });
  const exited = new Promise((resolve) => proc.once('exit', resolve));

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`marquee exited early:\n${log}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`marquee did not become ready:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    data: store,
    log: () => log,
    async stop() {
      proc.kill('SIGTERM');
      await exited;
      if (own) store.remove();
    },
  };
}

/** Runs a GraphQL operation on the server at url, with a bearer token, and returns its data, failing on errors. */
export async function graphqlAt(url, query, variables, token) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data;
}

/**
 * Starts Mailpit (built into the Go cache by scripts/test-server.sh mailpit, or $MARQUEE_MAILPIT) on
 * loopback ports: smtpUrl for marquee's --smtp-url, and the messages it received.
 */
export async function startMailpit() {
  let bin = process.env.MARQUEE_MAILPIT;
  if (!bin) {
    const { stdout } = await promisify(execFile)('go', ['env', 'GOCACHE']);
    bin = join(stdout.trim(), 'marquee-mailpit', 'v1.33.1', 'mailpit');
  }
  const [smtp, http] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'marquee-mailpit-'));
  const proc = spawn(bin, ['--smtp', `127.0.0.1:${smtp}`, '--listen', `127.0.0.1:${http}`, '--smtp-auth-accept-any',
    '--smtp-auth-allow-insecure', '--database', join(dir, 'mail.db'), '--disable-version-check', '--quiet'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  const api = `http://127.0.0.1:${http}/api/v1`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`mailpit exited early (${bin})`);
    try {
      if ((await fetch(`${api}/info`)).ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error('mailpit did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  const to = async (address) => {
    const found = await (await fetch(`${api}/search?query=${encodeURIComponent(`to:${address}`)}`)).json();
    const messages = [];
    for (const m of found.messages.reverse()) messages.push(await (await fetch(`${api}/message/${m.ID}`)).json());
    return messages;
  };
  return {
    smtpUrl: `smtp://marquee:secret@127.0.0.1:${smtp}`,
    to,
    /** The first message to address with this subject, once it arrived (found by what it says, not its place). */
    async wait(address, subject) {
      const until = Date.now() + 30_000;
      for (;;) {
        const found = (await to(address)).find((m) => m.Subject === subject);
        if (found) return found;
        if (Date.now() > until) throw new Error(`no message "${subject}" for ${address}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      proc.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
