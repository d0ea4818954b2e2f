// Time to first frame: from clicking Play on a title page to the first video frame the
// browser presents, in headless Chromium on a link shaped to 5 Mb/s and 40 ms latency
// through the DevTools protocol, with the player's tuned hls.js settings beside hls.js's
// defaults (the player's ?hls=defaults). Also counts the bytes received between the
// click and that frame. Prints p50/p95 per profile and the ratios.
//
//   make build && node bench/ttff/ttff.mjs [-runs 20] [-seconds 12] [-size 1280x720]
//
// It makes its own clip with ffmpeg, ingests it into a fresh data dir and serves it with
// the binary at $MARQUEE_BIN (default bin/marquee). playwright-core comes from spa/.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { launch } from '../../spa/e2e/browser.mjs';
import { dataDir, startMarquee } from '../../spa/e2e/server.mjs';

const exec = promisify(execFile);

function flag(name, def) {
  const i = process.argv.indexOf(`-${name}`);
  return i > 0 ? process.argv[i + 1] : def;
}

const RUNS = Number(flag('runs', '20'));
const SECONDS = Number(flag('seconds', '12'));
const SIZE = flag('size', '1280x720');
const VERBOSE = process.argv.includes('-v');
const RATE_BPS = 5_000_000;
const LATENCY_MS = 40;
const PASSWORD = 'correct horse battery';

process.env.MARQUEE_BIN ||= resolve('bin/marquee');

async function prepare() {
  // -data DIR reuses a data dir kept from an earlier run (BENCH_KEEP=1), skipping the transcode.
  const reuse = flag('data', '');
  if (reuse) {
    const data = { dir: reuse, remove() {} };
    const { titleId } = JSON.parse(readFileSync(join(reuse, 'ttff.json'), 'utf8'));
    const server = await startMarquee({ data, args: ['--workers', '0', '--seed-demo=false'] });
    return { data, server, titleId };
  }
  const data = dataDir();
  if (process.env.BENCH_KEEP) process.on('exit', () => console.error(`data dir kept: ${data.dir}`));
  const clip = join(data.dir, 'clip.mp4');
  // Moving test pattern plus temporal noise: the noise keeps the encoder from squeezing
  // the picture to nothing, so rung bitrates are close to what real footage gets.
  await exec('ffmpeg', [
    '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${SIZE}:rate=30`,
    '-f', 'lavfi', '-i', 'sine=frequency=440',
    '-t', String(SECONDS), '-vf', 'noise=alls=8:allf=t',
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p', '-c:a', 'aac', clip,
  ]);
  const out = await data.run('ingest', '--file', clip, '--name', 'Bench Clip', '--wait', { timeout: 600_000 });
  const titleId = /title=(\d+)/.exec(out)?.[1];
  assert.ok(titleId, out);
  writeFileSync(join(data.dir, 'ttff.json'), JSON.stringify({ titleId }));
  const server = await startMarquee({ data, args: ['--workers', '0', '--seed-demo=false'] });
  return { data, server, titleId };
}

let viewers = 0;

/** A new viewer with a Premium membership per run, so no run resumes where another stopped. */
async function newViewer(context, url) {
  const gql = async (query, variables) => {
    const res = await context.request.post(`${url}/graphql`, { headers: { 'Content-Type': 'application/json' }, data: { query, variables } });
    const body = await res.json();
    assert.ok(body.data && !body.errors, JSON.stringify(body));
    return body.data;
  };
  const email = `viewer${++viewers}-${Date.now()}@example.com`;
  await gql('mutation($i: SignupInput!) { signup(input: $i) { token } }', { i: { email, password: PASSWORD, name: 'Bench', country: 'US' } });
  await gql('mutation($i: SubscribeInput!) { subscribe(input: $i) { membership { status } } }', {
    i: {
      plan: 'PREMIUM',
      payment: { card: { number: '4242 4242 4242 4242', expMonth: 12, expYear: 2030, cvc: '123', name: 'Bench' } },
      idempotencyKey: `ttff-${email}`,
    },
  });
}

/** One measured start: a fresh browser context (empty cache), the title page, then Play. */
async function run(browser, { server, data, titleId }, profile) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  try {
    await newViewer(context, server.url);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await page.goto(`${server.url}/title/${titleId}${profile === 'defaults' ? '?hls=defaults' : ''}`);
    await page.getByRole('button', { name: 'Play', exact: true }).waitFor().catch(async (err) => {
      await page.screenshot({ path: join(data.dir, 'no-play.png') }).catch(() => undefined);
      throw err;
    });
    // The title page prefetches the player chunk; start the clock once the page is quiet.
    await page.waitForLoadState('networkidle');

    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: LATENCY_MS,
      downloadThroughput: RATE_BPS / 8,
      uploadThroughput: RATE_BPS / 8,
    });
    // CDP stamps events with a monotonic clock; requestWillBeSent also gives wall time,
    // which is what the page's performance.timeOrigin + now() is on.
    let monoToWall = null;
    const started = new Map(); // requestId → wall ms
    const received = []; // { id, wall, bytes, final }
    const urls = new Map();
    cdp.on('Network.requestWillBeSent', (e) => {
      monoToWall ??= e.wallTime * 1000 - e.timestamp * 1000;
      started.set(e.requestId, e.wallTime * 1000);
      urls.set(e.requestId, `${e.request.method} ${e.request.url.replace(/^https?:\/\/[^/]+/, '').replace(/\/media\/[^/]+\//, '/media/…/').slice(0, 60)}${e.request.postData ? ` ${/"operationName":"(\w+)"/.exec(e.request.postData)?.[1] ?? ''}` : ''}`);
    });
    cdp.on('Network.dataReceived', (e) => received.push({ id: e.requestId, mono: e.timestamp, bytes: e.encodedDataLength, final: false }));
    cdp.on('Network.loadingFinished', (e) => received.push({ id: e.requestId, mono: e.timestamp, bytes: e.encodedDataLength, final: true }));

    const t = await page.evaluate(() => new Promise((resolve, reject) => {
      const wall = (now) => performance.timeOrigin + now;
      const out = { click: 0, frame: 0, via: '' };
      const watch = (v) => {
        if (typeof v.requestVideoFrameCallback === 'function') {
          v.requestVideoFrameCallback((now) => {
            if (!out.frame) Object.assign(out, { frame: wall(now), via: 'requestVideoFrameCallback' });
            resolve(out);
          });
        }
        // Fallback where frame callbacks are missing: playing with the clock moving.
        const tick = () => {
          if (out.frame) return;
          if (!v.paused && v.currentTime > 0) {
            Object.assign(out, { frame: wall(performance.now()), via: 'playing+currentTime' });
            resolve(out);
          } else requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      };
      const mo = new MutationObserver(() => {
        const v = document.querySelector('video');
        if (v) {
          mo.disconnect();
          watch(v);
        }
      });
      mo.observe(document.body, { childList: true, subtree: true });
      const play = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Play');
      if (!play) return reject(new Error('no Play button'));
      out.click = wall(performance.now());
      play.click();
      setTimeout(() => reject(new Error('no frame within 30 s')), 30_000);
    }));
    const level = await page.locator('.player').getAttribute('data-level-height');

    // Bytes that arrived between the click and the frame: finished responses count whole
    // (headers included), the rest by the chunks received so far.
    const perRequest = new Map();
    for (const r of received) {
      const startedAt = started.get(r.id);
      if (startedAt === undefined || startedAt < t.click) continue;
      if (r.mono * 1000 + monoToWall > t.frame) continue;
      const acc = perRequest.get(r.id) ?? { chunks: 0, final: null };
      if (r.final) acc.final = r.bytes;
      else acc.chunks += r.bytes;
      perRequest.set(r.id, acc);
    }
    let bytes = 0;
    for (const { chunks, final } of perRequest.values()) bytes += final ?? chunks;
    if (VERBOSE) {
      // A timeline of the start: when each request went out and finished, from the click.
      const done = new Map(received.filter((r) => r.final).map((r) => [r.id, r.mono * 1000 + monoToWall]));
      for (const [id, at] of [...started].filter(([, at]) => at >= t.click).sort((a, b) => a[1] - b[1])) {
        const end = done.get(id);
        console.error(`  +${(at - t.click).toFixed(0).padStart(5)} ms → ${end ? `+${(end - t.click).toFixed(0).padStart(5)} ms` : '     (open)'}  ${urls.get(id)}`);
      }
      console.error(`  +${(t.frame - t.click).toFixed(0).padStart(5)} ms first frame`);
    }

    // End the session the way a viewer does, so runs do not pile up against the plan's streams.
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    const ended = page.waitForResponse((r) => (r.request().postData() ?? '').includes('EndPlayback'));
    await page.getByRole('button', { name: /^Back to / }).first().click();
    await ended;
    return { ms: t.frame - t.click, bytes, level, via: t.via, requests: perRequest.size };
  } finally {
    await context.close();
  }
}

function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

const env = await prepare();
const { data, server } = env;
const browser = await launch();
try {
  const results = { tuned: [], defaults: [] };
  // One unrecorded start each warms the server's file cache and the browser's codecs.
  await run(browser, env, 'tuned');
  await run(browser, env, 'defaults');
  for (let i = 0; i < RUNS; i++) {
    for (const profile of i % 2 ? ['defaults', 'tuned'] : ['tuned', 'defaults']) {
      const r = await run(browser, env, profile);
      results[profile].push(r);
      console.error(`${profile.padEnd(8)} run ${String(i + 1).padStart(2)}: ${r.ms.toFixed(0)} ms, ${(r.bytes / 1024).toFixed(0)} KiB in ${r.requests} requests, first rung ${r.level ? `${r.level}p` : 'not reported yet'} (${r.via})`);
    }
  }
  const sum = (p) => {
    const ms = results[p].map((r) => r.ms);
    const kb = results[p].map((r) => r.bytes / 1024);
    const levels = [...new Set(results[p].filter((r) => r.level).map((r) => `${r.level}p`))].join(', ');
    return { p50: pct(ms, 50), p95: pct(ms, 95), kb50: pct(kb, 50), kb95: pct(kb, 95), levels };
  };
  const tuned = sum('tuned');
  const defaults = sum('defaults');
  const row = (name, s) => `| ${name} | ${s.p50.toFixed(0)} ms | ${s.p95.toFixed(0)} ms | ${s.kb50.toFixed(0)} KiB | ${s.kb95.toFixed(0)} KiB | ${s.levels} |`;
  console.log(`clip ${SIZE}, ${SECONDS} s; link ${RATE_BPS / 1e6} Mb/s, ${LATENCY_MS} ms; ${RUNS} runs per profile`);
  console.log('| hls.js settings | TTFF p50 | TTFF p95 | bytes p50 | bytes p95 | first rung |');
  console.log('|---|---|---|---|---|---|');
  console.log(row('tuned (the player)', tuned));
  console.log(row('hls.js defaults', defaults));
  console.log(`| tuned / defaults | ${(tuned.p50 / defaults.p50).toFixed(2)}× | ${(tuned.p95 / defaults.p95).toFixed(2)}× | ${(tuned.kb50 / defaults.kb50).toFixed(2)}× | ${(tuned.kb95 / defaults.kb95).toFixed(2)}× | |`);
} finally {
  await browser.close();
  await server.stop();
  if (!process.env.BENCH_KEEP) data.remove();
}
