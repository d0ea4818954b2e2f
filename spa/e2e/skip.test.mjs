// Skip intro, Next episode, chapters, captions and audio tracks in the player, on a series and a
// dubbed film brought in by a library scan: markers and subtitles set over the API show at their
// times, and the film's own audio and subtitle streams are offered, in Chromium.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { promisify } from 'node:util';
import { withScreenshotOnFailure } from './artifacts.mjs';
import { a11yViolations, launch, openPage } from './browser.mjs';
import { LoginPage, Player, PlayerMenu } from './pages.mjs';
import { dataDir, graphqlAt, makeClip, startMarquee } from './server.mjs';

const ADMIN = { email: 'admin@example.com', password: 'correct horse battery' };

let server;
let browser;
let series;
let film;
let adminToken;

const gql = (query, variables, token) => graphqlAt(server.url, query, variables, token);

before(async () => {
  const data = dataDir();
  const clip = await makeClip(data.dir);
  const meta = join(data.dir, 'chapters.txt');
  await writeFile(meta, ';FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=4000\ntitle=Cold open\n' +
    '[CHAPTER]\nTIMEBASE=1/1000\nSTART=4000\nEND=12000\ntitle=The tide turns\n');
  const season = join(data.dir, 'library', 'Shows', 'Tides (2020)', 'Season 01');
  await mkdir(season, { recursive: true });
  for (const name of ['Tides - S01E01 - Low Water.mp4', 'Tides - S01E02 - High Water.mp4']) {
    await promisify(execFile)('ffmpeg', ['-loglevel', 'error', '-i', clip, '-i', meta, '-map', '0', '-map_chapters', '1', '-c', 'copy', join(season, name)]);
  }
  // A film with its original sound, a French dub, English subtitles and French forced ones.
  const filmDir = join(data.dir, 'library', 'Movies', 'Two Tongues (2021)');
  await mkdir(filmDir, { recursive: true });
  await writeFile(join(data.dir, 'en.srt'), '1\n00:00:00,000 --> 00:00:12,000\nThe <b>tide</b> is out\n');
  await writeFile(join(data.dir, 'fr.srt'), '1\n00:00:00,000 --> 00:00:12,000\nPANNEAU : PLAGE\n');
  await promisify(execFile)('ffmpeg', ['-loglevel', 'error', '-i', clip, '-f', 'lavfi', '-i', 'sine=frequency=660:duration=12',
    '-i', join(data.dir, 'en.srt'), '-i', join(data.dir, 'fr.srt'),
    '-map', '0:v', '-map', '0:a', '-map', '1:a', '-map', '2', '-map', '3', '-c:v', 'copy', '-c:a', 'aac', '-c:s:0', 'srt', '-c:s:1', 'ass',
    '-metadata:s:a:0', 'language=eng', '-metadata:s:a:1', 'language=fre', '-metadata:s:s:0', 'language=eng',
    '-metadata:s:s:1', 'language=fre', '-disposition:s:1', 'forced', join(filmDir, 'Two Tongues (2021).mkv')]);
  await data.run('user', 'create', '--email', ADMIN.email, '--password', ADMIN.password, '--admin', '--plan', 'premium');
  assert.equal(await data.run('library', 'scan', join(data.dir, 'library')), 'added=3 updated=0 unchanged=0 skipped=0\n');
  server = await startMarquee({ data, args: ['--workers', '1', '--seed-demo=false'] });
  browser = await launch();

  const { login } = await gql('mutation($in: LoginInput!) { login(input: $in) { token } }', { in: ADMIN });
  adminToken = login.token;
  const query = `{ search(query: "Tides") { edges { node { id name seasons { episodes { id number video { id status } } } } } } }`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    const node = (await gql(query, {}, login.token)).search.edges.map((e) => e.node).find((n) => n.name === 'Tides');
    const episodes = node?.seasons[0]?.episodes ?? [];
    if (episodes.length === 2 && episodes.every((e) => e.video?.status === 'READY')) {
      series = { id: node.id, episodes: [...episodes].sort((a, b) => a.number - b.number) };
      break;
    }
    assert.ok(Date.now() < deadline, `the episodes were not transcoded in time: ${JSON.stringify(node)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  for (;;) {
    const films = (await gql(`{ search(query: "Two Tongues") { edges { node { id name video { status } } } } }`, {}, login.token)).search.edges;
    const node = films.map((e) => e.node).find((n) => n.name === 'Two Tongues');
    if (node?.video?.status === 'READY') {
      film = node;
      break;
    }
    assert.ok(Date.now() < deadline, `the film was not transcoded in time: ${JSON.stringify(node)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  await gql(
    'mutation($v: ID!) { setVideoMarkers(videoId: $v, input: {introStart: 0, introEnd: 6, creditsStart: 9}) { id } }',
    { v: series.episodes[0].video.id },
    login.token,
  );
});

after(async () => {
  await browser?.close();
  await server?.stop();
  server?.data.remove();
});

const violations = [];

afterEach(() => {
  assert.deepEqual(violations.splice(0), [], 'nothing breaks the Content-Security-Policy');
});

test('the player offers Skip intro during the intro, Next episode at the credits, and chapters', async (t) => {
  const { context, page } = await openPage(browser, violations, { width: 1280, height: 720 });
  await withScreenshotOnFailure(t, page, async () => {
    await LoginPage.as(page, server.url, ADMIN);
    const [first, second] = series.episodes;
    await page.goto(`${server.url}/watch/${series.id}?episode=${encodeURIComponent(first.id)}`);
    const player = new Player(page);
    await player.waitForPlayback(0.5);

    const skip = page.getByRole('button', { name: 'Skip intro' });
    await skip.click();
    await skip.waitFor({ state: 'detached' });
    assert.ok(await player.video.evaluate((v) => v.currentTime >= 6), 'Skip intro seeks to the end of the intro');
    assert.equal(await page.getByRole('button', { name: 'Next episode' }).count(), 0, 'not before the credits');

    await page.getByRole('button', { name: 'Next episode' }).click();
    await page.waitForURL((url) => url.searchParams.get('episode') === second.id);
    await page.getByRole('heading', { name: 'Tides: 2. High Water' }).waitFor();
    await player.waitForPlayback(0.5);
    assert.equal(await page.getByRole('button', { name: 'Skip intro' }).count(), 0, 'the second episode has no markers');

    // The source's chapters, to jump between.
    const chapter = new PlayerMenu(page, 'Chapter');
    await chapter.choose('The tide turns');
    await page.waitForFunction(() => document.querySelector('video').currentTime >= 4);
    assert.deepEqual(await chapter.labels(), ['Cold open', 'The tide turns']);
    await chapter.open();
    assert.deepEqual(await a11yViolations(page), [], 'the open menu passes axe-core');
    await page.keyboard.press('Escape');
    assert.deepEqual(await a11yViolations(page), [], 'the player passes axe-core');
  });
  await context.close();
});

test('captions uploaded for an episode show in the player, c turns them off, and their style is kept', async (t) => {
  const form = new FormData();
  form.append('operations', JSON.stringify({
    query: 'mutation($v: ID!, $f: Upload!) { uploadSubtitle(videoId: $v, language: "en", kind: CAPTIONS, file: $f) { cues } }',
    variables: { v: series.episodes[1].video.id, f: null },
  }));
  form.append('map', JSON.stringify({ 0: ['variables.f'] }));
  form.append('0', new Blob(['1\r\n00:00:00,000 --> 00:00:12,000\r\n<i>Waves</i> <script>alert(1)</script>\r\n\r\n' +
    '2\r\n00:00:08,000 --> 00:00:09,000\r\nGulls\r\n']), 'tides.en.srt');
  const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}` }, body: form });
  const body = await res.json();
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));

  const { context, page } = await openPage(browser, violations, { width: 1280, height: 720 });
  let dialogs = 0;
  page.on('dialog', (d) => { dialogs += 1; void d.dismiss(); });
  await withScreenshotOnFailure(t, page, async () => {
    await LoginPage.as(page, server.url, ADMIN);
    await page.goto(`${server.url}/watch/${series.id}?episode=${encodeURIComponent(series.episodes[1].id)}`);
    const player = new Player(page);
    await player.waitForPlayback(0.5);

    const menu = new PlayerMenu(page, 'Subtitles');
    await menu.choose('English (CC)');
    const showing = () => page.evaluate(() => {
      const tracks = [...document.querySelector('video').textTracks].filter((tr) => tr.mode === 'showing');
      return tracks.flatMap((tr) => [...(tr.activeCues ?? [])].map((c) => c.text));
    });
    await page.waitForFunction(() => [...document.querySelector('video').textTracks]
      .some((tr) => tr.mode === 'showing' && tr.activeCues && tr.activeCues.length > 0));
    assert.deepEqual(await showing(), ['<i>Waves</i> alert(1)']);
    // Cues show at their own times: the second only from 8 s to 9 s.
    await player.video.evaluate((v) => { v.currentTime = 8.3; });
    await page.waitForFunction(() => [...document.querySelector('video').textTracks]
      .some((tr) => tr.mode === 'showing' && [...(tr.activeCues ?? [])].some((c) => c.text === 'Gulls')));
    assert.ok(await player.video.evaluate((v) => v.currentTime >= 8 && v.currentTime < 9.5), 'Gulls shows at 8 s');
    assert.equal(dialogs, 0, 'nothing in a cue runs');

    await page.keyboard.press('c');
    await page.waitForFunction(() => ![...document.querySelector('video').textTracks].some((tr) => tr.mode === 'showing'));
    assert.equal(await menu.chosen(), 'Off');
    await page.keyboard.press('c');
    await page.waitForFunction(() => [...document.querySelector('video').textTracks].some((tr) => tr.mode === 'showing'));

    // The caption style, kept for the next video.
    await page.getByRole('button', { name: 'Caption style' }).click();
    await page.getByRole('group', { name: 'Caption style' }).getByLabel('Caption size').selectOption('large');
    await page.getByRole('group', { name: 'Caption style' }).getByLabel('Caption colour').selectOption('yellow');
    assert.equal(await page.locator('video').getAttribute('data-cue-size'), 'large');
    await page.reload();
    await new Player(page).waitForPlayback(0.5);
    assert.equal(await page.locator('video').getAttribute('data-cue-size'), 'large');
    assert.equal(await page.locator('video').getAttribute('data-cue-color'), 'yellow');
    // English was chosen last: it is on from the start.
    await page.waitForFunction(() => [...document.querySelector('video').textTracks].some((tr) => tr.mode === 'showing'));
  });
  await context.close();
});

test('a dubbed film offers both audio tracks and both subtitle tracks; switching audio keeps playing', async (t) => {
  const { context, page } = await openPage(browser, violations, { width: 1280, height: 720 });
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  await withScreenshotOnFailure(t, page, async () => {
    await LoginPage.as(page, server.url, ADMIN);
    await page.goto(`${server.url}/watch/${film.id}`);
    const player = new Player(page);
    await player.waitForPlayback(0.5);

    const audio = new PlayerMenu(page, 'Audio');
    const subtitles = new PlayerMenu(page, 'Subtitles');
    assert.deepEqual(await audio.labels(), ['English', 'French']);
    assert.deepEqual(await subtitles.labels(), ['Off', 'English', 'French (forced)']);
    assert.ok(fetched.some((p) => p.endsWith('/audio1/index.m3u8')), 'the default track plays first');
    assert.ok(!fetched.some((p) => p.includes('/audio2/')), 'the dub is not fetched until chosen');

    await audio.choose('French');
    await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => /\/audio2\/seg_\d+\.m4s$/.test(e.name)));
    const at = await player.video.evaluate((v) => v.currentTime);
    await player.waitForPlayback(at + 0.5);
    assert.equal(await audio.chosen(), 'French');
    // With subtitles off, the French dub brings its forced subtitles with it.
    await page.waitForFunction(() => [...document.querySelector('video').textTracks]
      .some((tr) => tr.mode === 'showing' && [...(tr.activeCues ?? [])].some((c) => c.text === 'PANNEAU : PLAGE')));
    assert.equal(await subtitles.chosen(), 'French (forced)', 'French (forced) is the one showing');

    await subtitles.choose('English');
    await page.waitForFunction(() => [...document.querySelector('video').textTracks]
      .some((tr) => tr.mode === 'showing' && [...(tr.activeCues ?? [])].some((c) => c.text === 'The <b>tide</b> is out')));

    // The choice of French is kept: the next visit starts with the dub.
    await page.reload();
    await new Player(page).waitForPlayback(0.5);
    await page.getByRole('button', { name: 'Audio: French' }).waitFor();
  });
  await context.close();
});
