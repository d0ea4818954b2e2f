// Plans are never a surprise, in Chromium: a Premium-only title carries a badge for a
// Standard viewer, its page offers the upgrade instead of Play, the checkout says what today
// costs before paying, the payment is exactly that, and the title then plays.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { docShot, withScreenshotOnFailure } from './artifacts.mjs';
import { a11yViolations, launch, watchCSP } from './browser.mjs';
import { CheckoutPage, HomePage, LoginPage, Player } from './pages.mjs';
import { dataDir, graphqlAt, makeClip, startMarquee } from './server.mjs';

const ADMIN = { email: 'admin@example.com', password: 'correct horse battery' };
const VIEWER = { email: 'standard@example.com', password: 'correct horse battery' };
const TITLE = 'Vault of Stars';

let server;
let browser;
let titleId;

before(async () => {
  const data = dataDir();
  const clip = await makeClip(data.dir, 6);
  await data.run('user', 'create', '--email', ADMIN.email, '--password', ADMIN.password, '--admin');
  await data.run('user', 'create', '--email', VIEWER.email, '--password', VIEWER.password, '--plan', 'standard');
  const out = await data.run('ingest', '--file', clip, '--name', TITLE, '--wait');
  titleId = out.match(/title=(\d+)/)[1];
  server = await startMarquee({ data, args: ['--workers', '0', '--seed-demo=false'] });
  browser = await launch();
  const gql = (q, v, t) => graphqlAt(server.url, q, v, t);
  const { login } = await gql('mutation($in: LoginInput!) { login(input: $in) { token } }', { in: ADMIN });
  await gql('mutation($id: ID!) { updateTitle(id: $id, input: {minPlan: PREMIUM}) { id } }', { id: titleId }, login.token);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a Premium title: badge, upgrade at the previewed price, then play', async (t) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const csp = [];
  watchCSP(page, csp);
  await withScreenshotOnFailure(t, page, async () => {
    await page.goto(`${server.url}/login`);
    await new LoginPage(page).logIn(VIEWER.email, VIEWER.password);
    await page.waitForURL(`${server.url}/`);

    // The hero features it, with the upgrade.
    const hero = page.getByRole('region', { name: 'Featured' });
    await hero.getByRole('heading', { name: TITLE }).waitFor();
    await hero.getByRole('link', { name: 'Upgrade to Premium to watch' }).waitFor();

    await docShot(page, 'home-upgrade');
    const a11y = await a11yViolations(page);

    // The card says the title needs Premium.
    const card = new HomePage(page).row('New Releases').getByRole('link', { name: new RegExp(TITLE) });
    await card.getByText('Premium', { exact: true }).waitFor();
    assert.match(await card.textContent(), /needs the Premium plan/);
    await card.click();

    // Its page offers the upgrade, not Play.
    await page.getByRole('heading', { name: TITLE }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Play' }).count(), 0);
    await docShot(page, 'title-upgrade');
    await page.getByRole('link', { name: 'Upgrade to Premium to watch' }).click();

    // The checkout says what today costs, and the button charges that.
    await page.getByRole('heading', { name: 'Checkout: Premium' }).waitFor();
    const preview = page.getByTestId('charge-preview');
    await preview.waitFor();
    const sentence = await preview.textContent();
    const today = sentence.match(/^You pay (\$[\d.,]+) today for the rest of this billing period/)?.[1];
    assert.ok(today, sentence);
    assert.notEqual(today, '$19.99', 'an upgrade costs the prorated difference, not the full price');
    await page.getByRole('button', { name: `Pay ${today}` }).waitFor();
    await docShot(page, 'checkout-upgrade');
    a11y.push(...(await a11yViolations(page)));
    const checkout = new CheckoutPage(page);
    await checkout.payByCard({ number: '4242 4242 4242 4242' });
    await checkout.success.filter({ hasText: `Payment of ${today} received.` }).waitFor();
    await checkout.continue.click();

    // Back on the title, which now plays.
    await page.waitForURL(`${server.url}/title/${titleId}`);
    await page.getByRole('button', { name: 'Play' }).click();
    await new Player(page).waitForPlayback(1);
    a11y.push(...(await a11yViolations(page)));
    assert.deepEqual(csp, []);
    assert.deepEqual(a11y, [], 'no serious or critical accessibility violation (axe-core)');
  });
  await context.close();
});

test('on a phone: the menu folds the links away, and the checkout fits', async (t) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await withScreenshotOnFailure(t, page, async () => {
    await page.goto(`${server.url}/login`);
    await new LoginPage(page).logIn(VIEWER.email, VIEWER.password);
    await page.waitForURL(`${server.url}/`);
    const nav = page.getByRole('navigation', { name: 'Main' });
    const menu = page.getByRole('button', { name: 'Menu' });
    await menu.waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Search', exact: true }).isVisible(), false);
    await menu.click();
    assert.deepEqual(await a11yViolations(page), [], 'the open menu passes axe-core');
    await nav.getByRole('link', { name: 'Search', exact: true }).click();
    await page.getByRole('heading', { name: 'Search', level: 1 }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Search', exact: true }).isVisible(), false, 'the menu folds after a choice');

    await page.goto(`${server.url}/plans/premium`);
    await page.getByLabel('Security code').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the checkout is ${overflow}px wider than the screen`);
    const box = await page.getByLabel('Security code').boundingBox();
    assert.ok(box && box.x + box.width <= 390, `the security code field ends at ${box?.x + box?.width}px`);
  });
  await context.close();
});
