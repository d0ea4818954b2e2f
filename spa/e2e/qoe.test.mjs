// Quality of experience from a real playback: the player measures its startup, the time on
// each rung and any stall, sends it with the session, and the administrator's Quality of
// experience screen charts it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { screenChecks, withScreenshotOnFailure } from './artifacts.mjs';
import { launch, openPage } from './browser.mjs';
import { LoginPage, Player } from './pages.mjs';
import { admin, servedTitle } from './server.mjs';

let server;
let browser;
let titleId;
const { violations, screen } = screenChecks();

before(async () => {
  ({ server, titleId } = await servedTitle('Measured Pattern'));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  server?.data.remove();
});

test('a play measured by the player shows on the Quality of experience screen', async (t) => {
  const { context, page } = await openPage(browser, violations);
  await withScreenshotOnFailure(t, page, async () => {
    await LoginPage.as(page, server.url, admin);

    // Watch a little, then leave: the player sends what it measured as it goes.
    const sent = page.waitForRequest((r) => r.url().endsWith('/graphql') && (r.postData() ?? '').includes('reportPlaybackQoe'));
    await page.goto(`${server.url}/watch/${encodeURIComponent(titleId)}`);
    const player = new Player(page);
    await player.waitForPlayback(2);
    await player.back('Measured Pattern');
    const report = JSON.parse((await sent).postData()).variables.input;
    assert.ok(report.startupMs > 0 && report.startupMs < 60_000, `startup ${report.startupMs}`);
    assert.ok(report.playedSeconds >= 1, `played ${report.playedSeconds}`);
    assert.ok(report.rungs.length >= 1 && report.rungs.every((r) => r.height > 0));

    await page.goto(`${server.url}/admin`);
    await page.getByRole('link', { name: 'Quality of experience' }).click();
    await page.getByRole('heading', { name: 'Quality of experience' }).waitFor();
    await page.getByRole('status').getByText('1 play measured by their players.').waitFor();
    const today = page.getByRole('region', { name: 'By day' }).getByRole('row').last();
    assert.match(await today.getByRole('cell').nth(2).textContent(), /^\d+ ms$/, 'a startup p50 for today');
    await page.getByRole('img', { name: /Plays by the rung/ }).waitFor();
    await screen(page, 'admin-qoe');
  });
  await context.close();
});
