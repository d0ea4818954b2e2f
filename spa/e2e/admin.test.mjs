// The administrator's journey through the library screens against the real server: build a
// series (details, credits, a season, an episode with its video and skip markers), upload
// artwork, delete it all through the confirmation, and scan a media folder from the app.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { promisify } from 'node:util';
import { docShot, withScreenshotOnFailure } from './artifacts.mjs';
import { a11yViolations, launch, watchCSP } from './browser.mjs';
import { LoginPage } from './pages.mjs';
import { dataDir, makeClip, startMarquee } from './server.mjs';

const exec = promisify(execFile);
const ADMIN = { email: 'admin@example.com', password: 'correct horse battery' };

let server;
let browser;
let clip;
let poster;
let fakeJpeg;
let library;

before(async () => {
  const data = dataDir();
  clip = await makeClip(data.dir, 4);
  poster = join(data.dir, 'poster.png');
  await exec('ffmpeg', ['-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=teal:s=400x600', '-frames:v', '1', poster]);
  fakeJpeg = join(data.dir, 'fake.jpg');
  await writeFile(fakeJpeg, '<html><body>not an image</body></html>');
  library = join(data.dir, 'library');
  await mkdir(join(library, 'Movies', 'Harbour Lights (2019)'), { recursive: true });
  await copyFile(clip, join(library, 'Movies', 'Harbour Lights (2019)', 'Harbour Lights (2019).mp4'));
  await writeFile(join(library, 'Movies', 'notes.mkv'), 'not a film');
  await data.run('user', 'create', '--email', ADMIN.email, '--password', ADMIN.password, '--admin', '--plan', 'premium');
  server = await startMarquee({ data, args: ['--workers', '1', '--seed-demo=false', '--library-dirs', library] });
  browser = await launch();
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

async function adminPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  watchCSP(page, violations);
  await page.goto(`${server.url}/login?next=/admin`);
  await new LoginPage(page).logIn(ADMIN.email, ADMIN.password);
  await page.getByRole('heading', { name: 'Administration' }).waitFor();
  return page;
}

test('an administrator builds a series, adds artwork and a video, and deletes it', async (t) => {
  const page = await adminPage();
  await withScreenshotOnFailure(t, page, async () => {
    const create = page.getByRole('region', { name: 'Create a title' });
    await create.getByLabel('Kind').selectOption('SERIES');
    await create.getByLabel('Name').fill('Night Shift');
    await create.getByRole('button', { name: 'Create title' }).click();
    await create.getByRole('link', { name: 'Edit Night Shift' }).click();
    await page.getByRole('heading', { name: 'Edit Night Shift' }).waitFor();

    // Details, kept after a reload.
    const details = page.getByRole('region', { name: 'Details' });
    await details.getByLabel('Synopsis').fill('A hospital after dark.');
    await details.getByLabel('Year').fill('2021');
    await details.getByLabel('Genres').fill('Drama, Mystery');
    await details.getByRole('button', { name: 'Save details' }).click();
    await details.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await page.reload();
    await page.getByRole('region', { name: 'Details' }).getByLabel('Synopsis').filter({ hasText: 'A hospital after dark.' }).waitFor();

    const credits = page.getByRole('region', { name: 'Credits' });
    await credits.getByRole('button', { name: 'Add a person' }).click();
    await credits.getByLabel('Person 1', { exact: true }).fill('Ada Park');
    await credits.getByLabel('Character of person 1').fill('Dr. Lin');
    await credits.getByRole('button', { name: 'Save credits' }).click();
    await credits.getByRole('status').filter({ hasText: 'Credits saved.' }).waitFor();

    // A season, an episode, and a number that clashes.
    await page.getByRole('form', { name: 'Add a season' }).getByRole('button', { name: 'Add season' }).click();
    const season = page.getByRole('region', { name: 'Season 1' });
    const addEpisode = season.getByRole('form', { name: 'Add an episode to Season 1' });
    await addEpisode.getByLabel('Episode name').fill('Pilot');
    await addEpisode.getByRole('button', { name: 'Add episode' }).click();
    const episode = season.getByRole('listitem', { name: '1. Pilot' });
    await episode.waitFor();
    await addEpisode.getByLabel('Episode number').fill('1');
    await addEpisode.getByLabel('Episode name').fill('Again');
    await addEpisode.getByRole('button', { name: 'Add episode' }).click();
    await addEpisode.getByText('Season 1 already has an episode 1.').waitFor();

    // Artwork: a preview first, then the stored poster; HTML named .jpg is refused.
    const posterForm = page.getByRole('form', { name: 'Poster' });
    await posterForm.getByLabel('Poster image').setInputFiles(fakeJpeg);
    await posterForm.getByRole('button', { name: 'Upload poster' }).click();
    await posterForm.getByRole('alert').filter({ hasText: 'Artwork must be a JPEG, PNG or WebP image.' }).waitFor();
    await posterForm.getByLabel('Poster image').setInputFiles(poster);
    await posterForm.getByRole('img', { name: 'New poster (preview)' }).waitFor();
    await posterForm.getByRole('button', { name: 'Upload poster' }).click();
    await posterForm.getByRole('img', { name: 'Current poster' }).waitFor();
    await posterForm.getByRole('img', { name: 'New poster (preview)' }).waitFor({ state: 'detached' });
    assert.ok(
      await posterForm.getByRole('img', { name: 'Current poster' }).evaluate((img) => img.complete && img.naturalWidth > 0),
      'the stored poster loads',
    );

    // The episode's video, its transcode, then its skip markers.
    await episode.getByLabel('Video file for Season 1, episode 1').setInputFiles(clip);
    await episode.getByRole('button', { name: 'Upload video' }).click();
    await episode.getByText('Ready to watch').waitFor({ timeout: 120_000 });
    const markers = episode.getByRole('form', { name: 'Skip markers of Season 1, episode 1' });
    await markers.getByLabel('Intro starts, seconds').fill('0');
    await markers.getByLabel('Intro ends, seconds').fill('2');
    await markers.getByRole('button', { name: 'Save markers' }).click();
    await markers.getByRole('status').filter({ hasText: 'Markers saved' }).waitFor();
    await docShot(page, 'admin-title');
    assert.deepEqual(await a11yViolations(page), [], 'the title editor passes axe-core');

    // Delete, through a confirmation that says what goes.
    await page.getByRole('button', { name: 'Delete series' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete Night Shift' });
    await dialog.getByText('This removes 1 season, 1 episode, 1 video with their media').waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Delete series' }).click();
    await dialog.getByRole('button', { name: 'Delete Night Shift' }).click();
    await page.getByRole('status').filter({ hasText: 'Deleted Night Shift.' }).waitFor();
    const find = page.getByRole('region', { name: 'Edit a title' });
    await find.getByLabel('Title name').fill('Night Shift');
    await find.getByRole('button', { name: 'Find' }).click();
    await find.getByText('No title matches “Night Shift”.').waitFor();
  });
  await page.context().close();
});

test('an administrator scans a media folder from the app', async (t) => {
  const page = await adminPage();
  await withScreenshotOnFailure(t, page, async () => {
    const scan = page.getByRole('region', { name: 'Scan a media folder' });
    await scan.getByLabel('Folder on the server').fill('/etc');
    await scan.getByRole('button', { name: 'Start scan' }).click();
    await scan.getByText(/Only folders under/).waitFor();
    await scan.getByLabel('Folder on the server').fill(library);
    await scan.getByRole('button', { name: 'Start scan' }).click();
    await scan.getByRole('status').filter({ hasText: 'Added 1, updated 0, unchanged 0, skipped 1.' }).waitFor({ timeout: 60_000 });
    await scan.getByText('Skipped (1)').click();
    await scan.getByText(/notes\.mkv/).waitFor();

    const find = page.getByRole('region', { name: 'Edit a title' });
    await find.getByLabel('Title name').fill('Harbour Lights');
    await find.getByRole('button', { name: 'Find' }).click();
    await find.getByRole('link', { name: 'Edit Harbour Lights (2019)' }).waitFor();
  });
  await page.context().close();
});
