// Accounts people can keep, in a real browser against the real server and a real SMTP server
// (Mailpit): a viewer who forgot the password asks for a link, follows it from the mail,
// chooses a new password and is logged in; then sees their devices on the account page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { screenChecks, withScreenshotOnFailure } from './artifacts.mjs';
import { launch, openPage } from './browser.mjs';
import { Header, LoginPage, SignupPage } from './pages.mjs';
import { dataDir, startMailpit, startMarquee } from './server.mjs';

const VIEWER = { email: 'ana@example.com', password: 'correct horse battery' };
const NEW_PASSWORD = 'a brand new passphrase';

let server;
let mailpit;
let browser;
const { violations, screen } = screenChecks();

before(async () => {
  mailpit = await startMailpit();
  const data = dataDir();
  await data.run('user', 'create', '--email', VIEWER.email, '--password', VIEWER.password, '--plan', 'standard');
  server = await startMarquee({ data, args: ['--workers', '1', '--seed-demo=false', '--smtp-url', mailpit.smtpUrl] });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  server?.data.remove();
  await mailpit?.stop();
});

test('a forgotten password: the link from the mail sets a new one and logs the viewer in', async (t) => {
  const { context, page } = await openPage(browser, violations);
  await withScreenshotOnFailure(t, page, async () => {
    await page.goto(`${server.url}/login`);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
    await page.getByLabel('Email').fill(VIEWER.email);
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await page.getByRole('status').getByText(`If an account uses ${VIEWER.email}`).waitFor();
    await screen(page, 'forgot-password');

    const mail = await mailpit.wait(VIEWER.email, 'Reset your Marquee password');
    const link = mail.Text.match(/https?:\/\/\S+\/reset-password\?token=\S+/)[0];
    assert.ok(link.startsWith(`${server.url}/reset-password?token=`), link);

    await page.goto(link);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await page.getByLabel('New password').fill('short');
    await page.getByRole('button', { name: 'Save and log in' }).click();
    await page.getByText(/at least 8 characters/i).first().waitFor();
    await screen(page, 'reset-password');
    await page.getByLabel('New password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Save and log in' }).click();

    // Logged in: the header offers Log out, and the owner is told of the change.
    const header = new Header(page);
    await header.nav.getByRole('button', { name: 'Log out' }).waitFor();
    await mailpit.wait(VIEWER.email, 'Your Marquee password was changed');

    // The link is spent: a second visit says so.
    await page.goto(link);
    await page.getByLabel('New password').fill('yet another passphrase');
    await page.getByRole('button', { name: 'Save and log in' }).click();
    await page.getByRole('alert').getByText(/expired or was already used/).waitFor();

    // The account page lists this device, with the password, email and data sections.
    await page.goto(`${server.url}/account`);
    const devices = page.getByRole('region', { name: 'Devices' });
    await devices.getByText('This device').waitFor();
    await page.getByRole('button', { name: 'Prepare my data for download' }).click();
    const download = page.getByRole('link', { name: 'Download my data' });
    await download.waitFor();
    const res = await page.request.get(await download.getAttribute('href'));
    assert.equal((await res.json()).account.email, VIEWER.email);
    await screen(page, 'account-security');

    // Log out, and back in with the new password.
    await header.nav.getByRole('button', { name: 'Log out' }).click();
    await page.goto(`${server.url}/login`);
    await new LoginPage(page).logIn(VIEWER.email, NEW_PASSWORD);
    await header.nav.getByRole('button', { name: 'Log out' }).waitFor();
  });
  await context.close();
});

test('a new account is asked to confirm its email until it follows the link', async (t) => {
  const { context, page } = await openPage(browser, violations);
  await withScreenshotOnFailure(t, page, async () => {
    await page.goto(`${server.url}/signup`);
    await new SignupPage(page).signUp({ name: 'Bo', email: 'bo@example.com', password: VIEWER.password, country: 'NL' });
    const banner = page.getByRole('complementary', { name: 'Confirm your email' });
    await banner.getByText('bo@example.com').waitFor();
    await screen(page, 'verify-banner');

    const mail = await mailpit.wait('bo@example.com', 'Confirm your email for Marquee');
    await page.goto(mail.Text.match(/https?:\/\/\S+\/verify-email\?token=\S+/)[0]);
    await page.getByRole('status').getByText('your email is confirmed').waitFor();
    await banner.waitFor({ state: 'detached' });
    await screen(page, 'verify-email');
  });
  await context.close();
});
