// The viewer's journey through the built app against the real server: sign up, browse the
// feed, find a title despite a typo, pay (a declined card first), watch, change quality,
// see heartbeats, log out. Content is made with the binary before the server starts.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { screenChecks, withScreenshotOnFailure } from './artifacts.mjs';
import { launch, watchCSP } from './browser.mjs';
import {
  CheckoutPage, Header, HomePage, LandingPage, LoginPage, Player, PlansPage, SearchPage, SignupPage, TitlePage,
} from './pages.mjs';
import { dataDir, makeClip, startMarquee } from './server.mjs';

const TITLE = 'Test Pattern';
const ADMIN = { email: 'admin@example.com', password: 'correct horse battery' };

let server;
let browser;
let clip;

before(async () => {
  const data = dataDir();
  clip = await makeClip(data.dir);
  await data.run('user', 'create', '--email', ADMIN.email, '--password', ADMIN.password, '--admin', '--plan', 'premium');
  const out = await data.run('ingest', '--file', clip, '--name', TITLE, '--wait');
  assert.match(out, /title=\d+ video=\d+/);
  // One worker for the admin upload test; the demo catalog stays out.
  server = await startMarquee({ data, args: ['--workers', '1', '--seed-demo=false'] });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  server?.data.remove();
});

const { violations, screen } = screenChecks();

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  watchCSP(page, violations);
  return page;
}

test('a visitor signs up, pays, watches and logs out', async (t) => {
  const page = await newPage();
  await withScreenshotOnFailure(t, page, async () => {
    await page.goto(server.url);
    const landing = new LandingPage(page);
    await landing.heading.waitFor();
    await screen(page, 'landing');
    await landing.signUp.click();

    const signup = new SignupPage(page);
    await signup.heading.waitFor();
    await signup.signUp({ name: 'Viewer', email: 'viewer@example.com', password: 'x', country: 'NL' });
    // A password that is too short is reported next to the field.
    await page.getByText(/at least 8 characters/i).first().waitFor();
    await screen(page, 'signup');
    await signup.signUp({ name: 'Viewer', email: 'viewer@example.com', password: 'correct horse battery', country: 'NL' });

    // Home: the feed's rows, each a carousel with the title in it.
    const home = new HomePage(page);
    await home.row('Trending Now').getByRole('link', { name: TITLE }).waitFor();
    assert.ok((await home.rows.count()) >= 2, 'the home page shows several rows');
    await screen(page, 'home');

    // Search with a typo finds it.
    const header = new Header(page);
    await header.go('Search');
    const search = new SearchPage(page);
    await search.search('test patern');
    await search.result(TITLE).waitFor();
    await screen(page, 'search');
    await search.result(TITLE).click();

    const title = new TitlePage(page);
    await title.heading(TITLE).waitFor();
    await title.rating.getByRole('radio', { name: '4 stars' }).check();
    await page.getByText(/★ 4\.0/).waitFor();
    await title.myList.click();
    await page.getByRole('button', { name: /In My List/, pressed: true }).waitFor();
    await screen(page, 'title');
    await title.choosePlan.click();

    await page.getByRole('heading', { name: 'Choose a plan' }).waitFor();
    await screen(page, 'plans');
    await new PlansPage(page).choose('Standard');

    const checkout = new CheckoutPage(page);
    await checkout.payByCard({ number: '4000 0000 0000 0002' });
    await checkout.alert.filter({ hasText: /declined/i }).waitFor();
    await screen(page, 'checkout-declined');
    await checkout.payByCard({ number: '4242 4242 4242 4242' });
    await checkout.success.filter({ hasText: /Payment of .* received/ }).waitFor();
    await checkout.continue.click();

    await title.heading(TITLE).waitFor();
    await title.play.click();

    const player = new Player(page);
    await player.waitForPlayback(2);
    await player.waitForBeats(1);
    assert.match(await player.heartbeat.textContent(), /^1 of 2 screens in use$/);

    // Pick the rung that is not showing and wait until it is.
    const showing = await player.levelHeight();
    const target = showing === '240' ? '360' : '240';
    await player.quality.choose(`${target}p`);
    await player.waitForLevelHeight(target);
    await screen(page, 'player');
    await player.quality.open();
    await screen(page, 'player-quality');
    await page.keyboard.press('Escape');
    await player.back(TITLE);

    await title.heading(TITLE).waitFor();
    await header.go('Account');
    await page.getByRole('cell', { name: /Declined: Your card was declined/ }).waitFor();
    await page.getByRole('cell', { name: 'Succeeded' }).waitFor();
    await screen(page, 'account');

    await header.logOut();
    await landing.heading.waitFor();
    await landing.signUp.waitFor();
  });
  await page.context().close();
});

test('wrong credentials are reported as such', async (t) => {
  const page = await newPage();
  await withScreenshotOnFailure(t, page, async () => {
    await page.goto(`${server.url}/login`);
    const login = new LoginPage(page);
    await login.heading.waitFor();
    await login.logIn(ADMIN.email, 'not the password');
    await login.alert.filter({ hasText: 'Wrong email or password.' }).waitFor();
    await screen(page, 'login');

    // The other screens a link may lead to: a whole category, and a page that is not there.
    await login.logIn(ADMIN.email, ADMIN.password);
    await new Header(page).nav.getByRole('button', { name: 'Log out' }).waitFor();
    await page.goto(`${server.url}/category/new-releases`);
    await page.getByRole('heading', { name: 'New Releases' }).waitFor();
    await page.getByRole('link', { name: TITLE }).first().waitFor();
    await page.getByText('1 title', { exact: true }).waitFor();
    await screen(page, 'category');
    await page.goto(`${server.url}/no-such-page`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await screen(page, 'not-found');
  });
  await page.context().close();
});

test('an administrator creates a title and uploads its video', async (t) => {
  const page = await newPage();
  await withScreenshotOnFailure(t, page, async () => {
    await page.goto(`${server.url}/login?next=/admin`);
    await new LoginPage(page).logIn(ADMIN.email, ADMIN.password);
    await page.getByRole('heading', { name: 'Administration' }).waitFor();

    const create = page.getByRole('region', { name: 'Create a title' });
    await create.getByLabel('Name').fill('Uploaded Clip');
    await create.getByLabel('Synopsis').fill('A clip uploaded from the browser.');
    await create.getByLabel('Year').fill('2026');
    await create.getByLabel('Genres').fill('Documentary');
    await create.getByRole('button', { name: 'Create title' }).click();
    await create.getByRole('status').filter({ hasText: 'Created Uploaded Clip' }).waitFor();

    const upload = page.getByRole('region', { name: 'Upload a video' });
    await upload.getByLabel('Video file').setInputFiles({
      name: 'clip.mp4', mimeType: 'video/mp4', buffer: await readFile(clip),
    });
    await upload.getByRole('button', { name: 'Upload' }).click();
    await page.waitForFunction(() => document.querySelector('#upload-progress')?.value === 100);
    await upload.getByText('Ready to watch').waitFor({ timeout: 90_000 });
    assert.equal(await page.locator('#transcode-progress').evaluate((el) => el.value), 100);
    await screen(page, 'admin');
  });
  await page.context().close();
});

