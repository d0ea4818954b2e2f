// Quality of experience: the web player against hls.js with its defaults (the player's
// ?hls=defaults), on the same server and the same title, in headless Chromium with the link
// shaped through the DevTools protocol. Five scenarios, each run -runs times per profile,
// the two profiles alternating:
//
//   start  5 Mb/s, 40 ms: time from clicking Play to the first frame presented, and the
//          bytes received by then
//   climb  8 Mb/s, 40 ms: time from clicking Play until the highest rung the link sustains
//          (the tallest whose BANDWIDTH fits in it) is the one on screen
//   drop   5 Mb/s, falling to 1 Mb/s once 20 s have played: stalls (count, longest, total)
//          over the next 15 s, and the time from the drop until a lower rung is requested
//          and until it is on screen
//   seek   5 Mb/s: after 2 s of play, a seek to 75 % of the title (never buffered by
//          then); time until a frame from there is presented
//   3g     1.6 Mb/s, 300 ms: time to the first frame and stalls over 20 s of play
//
//   make build && node bench/qoe/qoe.mjs [-runs 10] [-only start,seek] [-seconds 64] [-seek-to 48] [-v]
//
// It makes its own 1280x720 clip with ffmpeg (four rungs), ingests it into a fresh data dir
// and serves it with the binary at $MARQUEE_BIN (default bin/marquee); -data DIR reuses a
// data dir kept with BENCH_KEEP=1. playwright-core comes from spa/.
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

const RUNS = Number(flag('runs', '10'));
const SECONDS = Number(flag('seconds', '64'));
const SIZE = flag('size', '1280x720');
const VERBOSE = process.argv.includes('-v');
const PASSWORD = 'correct horse battery';
const PROFILES = ['tuned', 'defaults'];

process.env.MARQUEE_BIN ||= resolve('bin/marquee');

const link = (mbps, latency) => ({ rate: mbps * 1e6, latency });

/** The scenarios; each `play` gets the run's helpers once Play has been clicked. */
const SCENARIOS = {
  start: {
    link: link(5, 40),
    async play(r) {
      await r.firstFrame();
      return { ttff: r.q.frame - r.q.click, kib: r.bytesUntil(r.q.frame) / 1024, rung: await r.rungAtFirstFrame() };
    },
  },
  climb: {
    link: link(8, 40),
    async play(r) {
      const top = r.sustainable(8e6);
      const at = await r.until(`q.heights.some((h) => h.height >= ${top})`, 40_000);
      const on = at ? r.q.heights.find((h) => h.height >= top).at - r.q.click : null;
      return { top, toTop: on };
    },
  },
  drop: {
    link: link(5, 40),
    async play(r) {
      await r.until('v.currentTime >= 20', 60_000);
      const before = r.lastVideoRequest();
      const dropAt = await r.shape(link(1, 40));
      r.q.stalls = [];
      await r.evaluate('q.stalls = []; q.waitingSince = q.waitingSince ? performance.timeOrigin + performance.now() : 0');
      await r.until(`v.currentTime >= ${20 + 15}`, 40_000);
      const stalls = await r.stalls();
      const lower = r.requests.find((q) => q.at > dropAt && q.height && q.height < before.height);
      const shown = r.q.heights.find((h) => h.at > dropAt && h.height < before.height);
      return {
        from: before.height,
        down: lower ? lower.at - dropAt : null,
        shown: shown ? shown.at - dropAt : null,
        stalls: stalls.length,
        longest: Math.max(0, ...stalls),
        stalled: stalls.reduce((a, b) => a + b, 0),
      };
    },
  },
  seek: {
    link: link(5, 40),
    async play(r) {
      await r.until('v.currentTime >= 2', 30_000);
      const target = Number(flag('seek-to', String(Math.floor(SECONDS * 0.75))));
      const buffered = await r.evaluate(`(() => { q.seekTarget = ${target}; q.seekDone = 0; q.seekAt = performance.timeOrigin + performance.now();
        const b = [...Array(v.buffered.length).keys()].some((i) => v.buffered.start(i) <= ${target} && v.buffered.end(i) > ${target});
        v.currentTime = ${target}; return b; })()`);
      await r.until('q.seekDone > 0', 30_000);
      return { seek: r.q.seekDone - r.q.seekAt, buffered };
    },
  },
  '3g': {
    link: link(1.6, 300),
    async play(r) {
      await r.firstFrame();
      const ttff = r.q.frame - r.q.click;
      await r.until('v.currentTime >= 20', 90_000);
      const stalls = await r.stalls();
      return { ttff, stalls: stalls.length, longest: Math.max(0, ...stalls), stalled: stalls.reduce((a, b) => a + b, 0) };
    },
  },
};

async function prepare() {
  const reuse = flag('data', '');
  if (reuse) {
    const data = { dir: reuse, remove() {} };
    const { titleId } = JSON.parse(readFileSync(join(reuse, 'qoe.json'), 'utf8'));
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
  const out = await data.run('ingest', '--file', clip, '--name', 'Bench Clip', '--wait', { timeout: 900_000 });
  const titleId = /title=(\d+)/.exec(out)?.[1];
  assert.ok(titleId, out);
  writeFileSync(join(data.dir, 'qoe.json'), JSON.stringify({ titleId }));
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
      idempotencyKey: `qoe-${email}`,
    },
  });
}

/**
 * Watches the page's video element: q.click (wall ms), q.frame (first frame presented),
 * q.heights (each change of the picture's height on screen, with its time), stalls (a
 * `waiting` while not seeking, until `playing`) and the end of a seek.
 */
const TRACKER = `(() => {
  const wall = (now) => performance.timeOrigin + now;
  const q = (window.__qoe = { click: 0, frame: 0, heights: [], stalls: [], waitingSince: 0, seekAt: 0, seekTarget: 0, seekDone: 0 });
  const watch = (v) => {
    window.__video = v;
    let height = 0;
    const onFrame = (now, meta) => {
      const at = wall(now);
      if (!q.frame) q.frame = at;
      if (meta.height !== height) { height = meta.height; q.heights.push({ at, height }); }
      if (q.seekAt && !q.seekDone && meta.mediaTime >= q.seekTarget - 0.5) q.seekDone = at;
      v.requestVideoFrameCallback(onFrame);
    };
    v.requestVideoFrameCallback(onFrame);
    v.addEventListener('waiting', () => { if (q.frame && !v.seeking && !q.waitingSince) q.waitingSince = wall(performance.now()); });
    v.addEventListener('playing', () => { if (q.waitingSince) { q.stalls.push(wall(performance.now()) - q.waitingSince); q.waitingSince = 0; } });
    v.addEventListener('seeking', () => { q.waitingSince = 0; });
  };
  const mo = new MutationObserver(() => {
    const v = document.querySelector('video');
    if (v) { mo.disconnect(); watch(v); }
  });
  mo.observe(document.body, { childList: true, subtree: true });
  const play = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Play');
  if (!play) throw new Error('no Play button');
  q.click = wall(performance.now());
  play.click();
})()`;

let ladder = null; // [{ height, bandwidth }] from the master playlist, read after the first run

/** One run of one scenario: a fresh browser context (empty cache), the title page, Play. */
async function run(browser, { server, data, titleId }, profile, name) {
  const scenario = SCENARIOS[name];
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  try {
    await newViewer(context, server.url);
    const page = await context.newPage();
    if (VERBOSE) page.on('console', (m) => m.type() !== 'debug' && console.error(`  console ${m.type()}: ${m.text().slice(0, 200)}`));
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await page.goto(`${server.url}/title/${titleId}${profile === 'defaults' ? '?hls=defaults' : ''}`);
    await page.getByRole('button', { name: 'Play', exact: true }).waitFor().catch(async (err) => {
      await page.screenshot({ path: join(data.dir, 'no-play.png') }).catch(() => undefined);
      throw err;
    });
    // The title page prefetches the player chunk; start the clock once the page is quiet.
    await page.waitForLoadState('networkidle');

    const shape = async ({ rate, latency }) => {
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency, downloadThroughput: rate / 8, uploadThroughput: rate / 8 });
      return Date.now();
    };
    await shape(scenario.link);

    // CDP stamps events with a monotonic clock; requestWillBeSent also gives wall time.
    let monoToWall = null;
    const requests = []; // { id, at (wall ms), height (video segments), url }
    const received = []; // { id, at, bytes, final }
    cdp.on('Network.requestWillBeSent', (e) => {
      monoToWall ??= e.wallTime * 1000 - e.timestamp * 1000;
      const height = Number(/\/(\d+)p\/seg_\d+\.m4s/.exec(e.request.url)?.[1] ?? 0);
      requests.push({ id: e.requestId, at: e.wallTime * 1000, height, url: e.request.url });
    });
    cdp.on('Network.dataReceived', (e) => received.push({ id: e.requestId, at: e.timestamp * 1000 + monoToWall, bytes: e.encodedDataLength, final: false }));
    cdp.on('Network.loadingFinished', (e) => {
      received.push({ id: e.requestId, at: e.timestamp * 1000 + monoToWall, bytes: e.encodedDataLength, final: true });
    });

    await page.evaluate(TRACKER);
    const r = {
      q: null,
      requests,
      shape,
      evaluate: (expr) => page.evaluate(`(() => { const q = window.__qoe, v = window.__video; return ${expr}; })()`),
      async refresh() {
        r.q = await page.evaluate(() => window.__qoe);
      },
      /** Waits until expr (with q and v in scope) holds; false if it did not within ms. */
      async until(expr, ms) {
        const ok = await page.evaluate(`new Promise((resolve) => {
          const t0 = performance.now();
          const check = () => {
            const q = window.__qoe, v = window.__video;
            if (v && (${expr})) return resolve(true);
            if (performance.now() - t0 > ${ms}) return resolve(false);
            setTimeout(check, 50);
          };
          check();
        })`);
        await r.refresh();
        return ok;
      },
      async firstFrame() {
        if (!(await r.until('q.frame > 0', 30_000))) {
          const state = await r.evaluate('v ? `readyState ${v.readyState}, paused ${v.paused}, at ${v.currentTime}, error ${v.error?.message}` : "no video element"');
          await page.screenshot({ path: join(data.dir, 'no-frame.png') }).catch(() => undefined);
          assert.fail(`no frame within 30 s (${state}; ${requests.length} requests: ${requests.map((x) => `${x.url.replace(/.*\//, '')}${received.some((y) => y.id === x.id && y.final) ? '' : ' (open)'}`).join(' ')})`);
        }
      },
      /** The rung of the first frame: its height, from the frame itself. */
      async rungAtFirstFrame() {
        return r.q.heights[0]?.height ?? 0;
      },
      /** Bytes that arrived between the click and t: finished responses whole (headers included), the rest by chunks. */
      bytesUntil(t) {
        const since = new Set(requests.filter((x) => x.at >= r.q.click).map((x) => x.id));
        const per = new Map();
        for (const x of received) {
          if (!since.has(x.id) || x.at > t) continue;
          const acc = per.get(x.id) ?? { chunks: 0, final: null };
          if (x.final) acc.final = x.bytes;
          else acc.chunks += x.bytes;
          per.set(x.id, acc);
        }
        let bytes = 0;
        for (const { chunks, final } of per.values()) bytes += final ?? chunks;
        return bytes;
      },
      lastVideoRequest() {
        return requests.filter((x) => x.height).at(-1) ?? { height: 0, at: 0 };
      },
      /** The tallest rung whose BANDWIDTH fits in rate. */
      sustainable(rate) {
        assert.ok(ladder?.length, 'master playlist not read');
        return Math.max(...ladder.filter((l) => l.bandwidth <= rate).map((l) => l.height));
      },
      /** Stalls so far in ms, one still going counted up to now. */
      async stalls() {
        await r.refresh();
        const open = r.q.waitingSince ? [Date.now() - r.q.waitingSince] : [];
        return [...r.q.stalls, ...open];
      },
    };
    const result = await scenario.play(r);
    if (!ladder) {
      // Read afterwards, not from the DevTools protocol while the player streams.
      const master = requests.find((x) => /master\.m3u8/.test(x.url));
      const body = master ? await (await context.request.get(master.url)).text() : '';
      ladder = [...body.matchAll(/BANDWIDTH=(\d+).*RESOLUTION=\d+x(\d+)/g)].map((m) => ({ bandwidth: Number(m[1]), height: Number(m[2]) }));
    }
    if (VERBOSE) {
      for (const x of requests.filter((x) => x.at >= r.q.click && x.height)) console.error(`  +${(x.at - r.q.click).toFixed(0).padStart(6)} ms ${x.height}p ${x.url.replace(/.*\//, '')}`);
      console.error(`  heights: ${r.q.heights.map((h) => `${h.height}p@+${(h.at - r.q.click).toFixed(0)}`).join(' ')}`);
    }

    // End the session the way a viewer does, so runs do not pile up against the plan's streams.
    await shape({ rate: -8, latency: 0 });
    const ended = page.waitForResponse((x) => (x.request().postData() ?? '').includes('EndPlayback'), { timeout: 10_000 }).catch(() => undefined);
    await page.getByRole('button', { name: /^Back to / }).first().click();
    await ended;
    return result;
  } finally {
    await context.close();
  }
}

function pct(xs, p) {
  const s = xs.filter((x) => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

const fmt = (x, unit = 'ms') => (x === null ? '–' : `${x.toFixed(0)} ${unit}`);
const ratio = (a, b) => (a === null || b === null || b === 0 ? '–' : `${(a / b).toFixed(2)}×`);

/** The rows printed per scenario: a label and how to read the figure from the runs. */
const ROWS = {
  start: [
    ['time to first frame p50', (rs) => pct(rs.map((x) => x.ttff), 50)],
    ['time to first frame p95', (rs) => pct(rs.map((x) => x.ttff), 95)],
    ['KiB by the first frame p50', (rs) => pct(rs.map((x) => x.kib), 50), 'KiB'],
    ['first rung (height) p50', (rs) => pct(rs.map((x) => x.rung), 50), 'p'],
  ],
  climb: [
    ['time to the top sustainable rung p50', (rs) => pct(rs.map((x) => x.toTop), 50)],
    ['time to the top sustainable rung p95', (rs) => pct(rs.map((x) => x.toTop), 95)],
    ['runs that never reached it (of each)', (rs) => rs.filter((x) => x.toTop === null).length, ''],
  ],
  drop: [
    ['rung playing at the drop p50', (rs) => pct(rs.map((x) => x.from), 50), 'p'],
    ['drop → lower rung requested p50', (rs) => pct(rs.map((x) => x.down), 50)],
    ['drop → lower rung requested p95', (rs) => pct(rs.map((x) => x.down), 95)],
    ['drop → lower rung on screen p50', (rs) => pct(rs.map((x) => x.shown), 50)],
    ['stalls per run (mean ×10)', (rs) => (10 * rs.reduce((a, x) => a + x.stalls, 0)) / rs.length, ''],
    ['longest stall (max)', (rs) => Math.max(0, ...rs.map((x) => x.longest))],
    ['stalled per run p50', (rs) => pct(rs.map((x) => x.stalled), 50)],
  ],
  seek: [
    ['seek → playing p50', (rs) => pct(rs.map((x) => x.seek), 50)],
    ['seek → playing p95', (rs) => pct(rs.map((x) => x.seek), 95)],
    ['runs whose target was buffered', (rs) => rs.filter((x) => x.buffered).length, ''],
  ],
  '3g': [
    ['time to first frame p50', (rs) => pct(rs.map((x) => x.ttff), 50)],
    ['time to first frame p95', (rs) => pct(rs.map((x) => x.ttff), 95)],
    ['stalls per run (mean ×10)', (rs) => (10 * rs.reduce((a, x) => a + x.stalls, 0)) / rs.length, ''],
    ['stalled per run p50', (rs) => pct(rs.map((x) => x.stalled), 50)],
  ],
};

const only = flag('only', '').split(',').filter(Boolean);
for (const n of only) assert.ok(SCENARIOS[n], `-only: no scenario ${n}`);
const names = only.length ? only : Object.keys(SCENARIOS);

const env = await prepare();
const { data, server } = env;
const browser = await launch();
try {
  // One unrecorded start of each profile warms the server's file cache and the browser's
  // codecs, and reads the ladder.
  for (const p of PROFILES) await run(browser, env, p, 'start');
  console.log(`clip ${SIZE}, ${SECONDS} s; rungs ${ladder.map((l) => `${l.height}p ${(l.bandwidth / 1e6).toFixed(2)}`).join(', ')} Mb/s (BANDWIDTH); ${RUNS} runs per profile and scenario`);
  for (const name of names) {
    const results = { tuned: [], defaults: [] };
    for (let i = 0; i < RUNS; i++) {
      for (const profile of i % 2 ? [...PROFILES].reverse() : PROFILES) {
        const res = await run(browser, env, profile, name);
        results[profile].push(res);
        console.error(`${name.padEnd(5)} ${profile.padEnd(8)} run ${String(i + 1).padStart(2)}: ${JSON.stringify(res, (_k, v) => (typeof v === 'number' ? Math.round(v) : v))}`);
      }
    }
    const { rate, latency } = SCENARIOS[name].link;
    console.log(`\n${name} (${rate / 1e6} Mb/s, ${latency} ms${name === 'drop' ? ', then 1 Mb/s' : ''})`);
    console.log('| measure | the player | hls.js defaults | player / defaults |');
    console.log('|---|---|---|---|');
    for (const [label, read, unit = 'ms'] of ROWS[name]) {
      const a = read(results.tuned);
      const b = read(results.defaults);
      const show = (x) => (unit === 'p' ? (x === null ? '–' : `${x}p`) : fmt(x, unit).trim());
      console.log(`| ${label} | ${show(a)} | ${show(b)} | ${unit === 'ms' || unit === 'KiB' ? ratio(a, b) : ''} |`);
    }
  }
} finally {
  await browser.close();
  await server.stop();
  if (!process.env.BENCH_KEEP) data.remove();
}
