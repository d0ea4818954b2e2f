// The per-title ladder in a real browser: a 720p source gets its rungs chosen by what its
// picture needs, the administrator sees that choice, and the player plays every published rung.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { screenChecks, withScreenshotOnFailure } from './artifacts.mjs';
import { launch, openPage } from './browser.mjs';
import { LoginPage, Player } from './pages.mjs';
import { admin, servedTitle } from './server.mjs';

let server;
let browser;
let titleId;
const { violations } = screenChecks();

before(async () => {
  ({ server, titleId } = await servedTitle('Ladder Pattern', { seconds: 20, size: '1280x720' }));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  server?.data.remove();
});

test('every rung of a per-title ladder plays', async (t) => {
  const { context, page } = await openPage(browser, violations);
  await withScreenshotOnFailure(t, page, async () => {
    await LoginPage.as(page, server.url, admin);
    const res = await page.evaluate(async (id) => (await fetch('/graphql', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        query: `query($id: ID!) { title(id: $id) { video { renditions { height averageBandwidth }
          encodingLadder { method rungs { height crf averageBitrate published } } } } }`,
        variables: { id },
      }),
    })).json(), titleId);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const { renditions, encodingLadder } = res.data.title.video;
    assert.equal(encodingLadder.method, 'PER_TITLE');
    const published = encodingLadder.rungs.filter((r) => r.published).map((r) => r.height);
    assert.deepEqual(renditions.map((r) => r.height), published);
    assert.ok(published.length >= 2, `rungs: ${JSON.stringify(encodingLadder.rungs)}`);
    assert.ok(Math.max(...published) <= 720, 'nothing larger than the source');
    for (let i = 1; i < renditions.length; i++) {
      assert.ok(renditions[i].averageBandwidth > renditions[i - 1].averageBandwidth, 'bitrates rise with the rungs');
    }

    // The administrator's title editor shows the same ladder.
    await page.goto(`${server.url}/admin/titles/${encodeURIComponent(titleId)}`);
    await page.getByText('Bitrate ladder: per title').click();
    const table = page.getByRole('table', { name: 'Bitrate ladder of Ladder Pattern' });
    for (const r of encodingLadder.rungs) {
      await table.getByRole('row', { name: new RegExp(`^${r.height}p `) }).getByText(r.published ? 'yes' : /^no: /).waitFor();
    }

    await page.goto(`${server.url}/watch/${encodeURIComponent(titleId)}`);
    const player = new Player(page);
    await player.waitForPlayback(0.5);
    // From the top rung down, each chosen in the Quality menu, shown, and played on from there.
    for (const height of [...published].reverse()) {
      await player.quality.choose(`${height}p`);
      await player.waitForLevelHeight(height);
      const at = await page.evaluate(() => document.querySelector('video').currentTime);
      await player.waitForPlayback(at + 0.5);
    }
  });
  await context.close();
});
