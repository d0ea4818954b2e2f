// Encrypted delivery in a real browser with nginx in front: nginx serves the encrypted
// playlists and segments from the media folder, marquee answers only masters and keys (besides
// the app and the API), hls.js decrypts and plays, and after logout the next key is refused.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { screenChecks, withScreenshotOnFailure } from './artifacts.mjs';
import { launch, openPage } from './browser.mjs';
import { LoginPage, Player } from './pages.mjs';
import { admin, freePort, servedTitle } from './server.mjs';

const CONF = fileURLToPath(new URL('../../deploy/nginx-marquee.conf', import.meta.url));
const KEY_PERIOD = 4; // seconds of content per key: one segment

let server;
let nginx;
let browser;
let titleId;
const { violations } = screenChecks();

/** Starts nginx with the documented configuration in front of marquee, logging who served what. */
async function startNginx(dir, mediaRoot, marquee) {
  const port = await freePort();
  const site = readFileSync(CONF, 'utf8')
    .replaceAll('__LISTEN__', `127.0.0.1:${port}`)
    .replaceAll('__MEDIA_ROOT__', mediaRoot)
    .replaceAll('__MARQUEE__', marquee);
  writeFileSync(join(dir, 'site.conf'), site);
  const user = process.getuid?.() === 0 ? 'user root;' : '';
  writeFileSync(join(dir, 'nginx.conf'), `daemon off;
${user}
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log warn;
events { worker_connections 256; }
http {
  log_format who '$uri $status $upstream_addr';
  access_log ${dir}/access.log who;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  include ${dir}/site.conf;
}
`);
  const bin = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';
  const proc = spawn(bin, ['-c', join(dir, 'nginx.conf'), '-p', dir, '-e', join(dir, 'nginx-error.log')], { stdio: 'ignore' });
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 20_000; ;) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch { /* not yet */ }
    if (proc.exitCode !== null || Date.now() > deadline) {
      throw new Error(`nginx did not start: ${existsSync(join(dir, 'nginx-error.log')) ? readFileSync(join(dir, 'nginx-error.log'), 'utf8') : ''}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    /** Each request so far: its path, status and whether nginx passed it to marquee. */
    requests: () => readFileSync(join(dir, 'access.log'), 'utf8').trim().split('\n').filter(Boolean).map((l) => {
      const [path, status, upstream] = l.split(' ');
      return { path, status: Number(status), proxied: upstream !== '-' };
    }),
    async stop() {
      proc.kill('SIGQUIT');
      await exited;
    },
  };
}

before(async () => {
  ({ server, titleId } = await servedTitle('Sealed Pattern', { seconds: 16, ingestArgs: ['--key-period', `${KEY_PERIOD}s`] }));
  const { dir } = server.data;
  nginx = await startNginx(dir, join(dir, 'media'), server.url.replace('http://', ''));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await nginx?.stop();
  await server?.stop();
  server?.data.remove();
});

test('an encrypted title plays through nginx, and after logout its next key is refused', async (t) => {
  const { context, page } = await openPage(browser, violations);
  await withScreenshotOnFailure(t, page, async () => {
    await LoginPage.as(page, nginx.url, admin);

    // The key of the third period is held until the viewer has logged out: the player plays the
    // first two periods and then waits on it, as a player that reaches the next period would.
    let releaseHeld;
    const held = new Promise((resolve) => { releaseHeld = resolve; });
    let holding = true;
    await page.route(/\/keys\/[^/]+\/[^/]+\/2\.key$/, (route) => {
      if (holding) {
        holding = false;
        releaseHeld(route);
      } else {
        route.continue(); // the other renditions' keys of that period, answered as they come
      }
    });

    await page.goto(`${nginx.url}/watch/${encodeURIComponent(titleId)}`);
    const player = new Player(page);
    await player.waitForPlayback(1);
    const route = await Promise.race([held, new Promise((_, fail) => setTimeout(() => fail(new Error('the third key was never asked for')), 30_000))]);

    const seen = nginx.requests();
    const segments = seen.filter((r) => r.path.endsWith('.m4s'));
    assert.ok(segments.length >= 2, `segments: ${JSON.stringify(segments)}`);
    for (const s of segments) {
      assert.match(s.path, /^\/media\/videos\/\d+\//, 'segments come from the public folder');
      assert.equal(s.proxied, false, `${s.path} served by nginx itself`);
      assert.equal(s.status, 200);
    }
    const media = seen.filter((r) => r.proxied && (r.path.startsWith('/media/') || r.path.startsWith('/keys/')));
    assert.ok(media.some((r) => r.path.startsWith('/keys/') && r.status === 200), 'the session fetched keys from marquee');
    // Besides masters and keys, marquee serves only the seek previews (thumbs.vtt and its
    // sprites): pictures that are not encrypted stay behind the session's signed URL.
    for (const r of media) {
      assert.ok(r.path.startsWith('/keys/') || /^\/media\/[^/]+\/(master\.m3u8|thumbs\.vtt|thumbs\/[^/]+\.jpg)$/.test(r.path),
        `marquee saw only masters, keys and previews, not ${r.path}`);
    }

    // Log out (in the same browser, through the API), then let the held key request go on.
    const out = await page.evaluate(async () => (await fetch('/graphql', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query: 'mutation { logout }' }),
    })).json());
    assert.equal(out.data.logout, true);
    let refused;
    for (const deadline = Date.now() + 10_000; ;) {
      refused = await route.fetch(); // the same request, now, from the test
      if (refused.status() === 403 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(refused.status(), 403, 'the key is refused once the session is gone');
    await route.fulfill({ response: refused });

    // The player stops (told by its heartbeat or by the refused key, whichever comes first)
    // before the content of the period whose key it never got.
    await page.getByRole('alert').filter({ hasText: /Playback (stopped|ended)|signed out/ }).first().waitFor({ timeout: 45_000 });
    const at = await page.evaluate(() => document.querySelector('video')?.currentTime ?? 0);
    assert.ok(at < 2 * KEY_PERIOD + 0.5, `stopped at ${at}s, before the third key period`);
  });
  await context.close();
});
