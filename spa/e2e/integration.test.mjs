// The example integration in docs/examples, run as an integrator would against a real
// server: it lists the titles with an API key, then receives a webhook, checks its
// signature and drops the event when it comes again.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { screenChecks, withScreenshotOnFailure } from './artifacts.mjs';
import { launch, openPage } from './browser.mjs';
import { LoginPage } from './pages.mjs';
import { admin, dataDir, freePort, graphqlAt, startMarquee } from './server.mjs';

const script = fileURLToPath(new URL('../../docs/examples/integration.mjs', import.meta.url));
const secret = 'integration-test-secret-0123';
let server;
let data;
let browser;
const { violations, screen } = screenChecks();

before(async () => {
  data = dataDir();
  await data.run('user', 'create', '--email', admin.email, '--password', admin.password, '--admin');
  server = await startMarquee({
    data,
    args: ['--workers', '1', '--seed-demo=false', '--webhook-allow-http', '--webhook-allow-networks', '127.0.0.1/32'],
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  data?.remove();
});

/** Runs the example; lines() is what it printed so far, waitFor(re) waits for a line matching re. */
function runExample(env) {
  const proc = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { err += d; });
  return {
    lines: () => out.split('\n').filter(Boolean),
    async waitFor(re, ms = 30_000) {
      const deadline = Date.now() + ms;
      while (!out.split('\n').some((l) => re.test(l))) {
        if (proc.exitCode !== null && proc.exitCode !== 0) throw new Error(`example failed:\n${err}`);
        if (Date.now() > deadline) throw new Error(`no line matching ${re} in:\n${out}\n${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop: () => proc.kill(),
  };
}

test('the example integration lists titles with a key and verifies webhooks', async () => {
  const { login } = await graphqlAt(server.url, `mutation($in: LoginInput!) { login(input: $in) { token } }`,
    { in: admin });
  const token = login.token;
  for (const name of ['First Light', 'Second Wind']) {
    await graphqlAt(server.url, `mutation($n: String!) { createTitle(input: {kind: MOVIE, name: $n}) { id } }`, { n: name }, token);
  }
  const { createApiKey } = await graphqlAt(server.url,
    `mutation { createApiKey(input: {label: "example", scopes: [CATALOG_READ]}) { secret } }`, {}, token);

  const port = await freePort();
  const example = runExample({ MARQUEE_URL: server.url, MARQUEE_API_KEY: createApiKey.secret, WEBHOOK_SECRET: secret, PORT: String(port) });
  try {
    await example.waitFor(/^listening on /);
    assert.deepEqual(example.lines().filter((l) => l.startsWith('title ')).map((l) => l.replace(/^title \d+ /, '')),
      ['First Light', 'Second Wind']);

    // A forged delivery is refused.
    const forged = await fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST', body: '{"id":"evt_forged","type":"title.created","data":{}}',
      headers: { 'Marquee-Signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` },
    });
    assert.equal(forged.status, 400);

    const { createWebhook } = await graphqlAt(server.url,
      `mutation($in: CreateWebhookInput!) { createWebhook(input: $in) { id } }`,
      { in: { url: `http://127.0.0.1:${port}/marquee`, events: ['TITLE_CREATED'], secret } }, token);
    await graphqlAt(server.url, `mutation { createTitle(input: {kind: MOVIE, name: "Third Act"}) { id } }`, {}, token);
    await example.waitFor(/^event title\.created evt_\w+ .*"name":"Third Act"/);

    // Sent again, the same event is dropped by the receiver.
    const log = `query($id: ID!) { webhookDeliveries(webhookId: $id) { edges { node { id status attempts responseCode } } } }`;
    /** Waits until the webhook's delivery has succeeded after attempts attempts, and returns it. */
    async function delivered(attempts) {
      for (const deadline = Date.now() + 30_000; ;) {
        const d = (await graphqlAt(server.url, log, { id: createWebhook.id }, token)).webhookDeliveries.edges[0].node;
        if (d.status === 'SUCCEEDED' && d.attempts === attempts) return d;
        assert.ok(Date.now() < deadline, `delivery did not succeed: ${JSON.stringify(d)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const first = await delivered(1);
    assert.equal(first.responseCode, 204);
    await graphqlAt(server.url, `mutation($d: ID!) { redeliver(deliveryId: $d) { id } }`, { d: first.id }, token);
    await delivered(2);
    assert.equal(example.lines().filter((l) => l.startsWith('event ')).length, 1, example.lines().join('\n'));
  } finally {
    example.stop();
  }
});

test('an administrator manages keys and webhooks on the Integrations page', async (t) => {
  // A receiver that takes every delivery.
  let received = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.writeHead(204).end();
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  t.after(() => receiver.close());

  browser = await launch();
  const { context, page } = await openPage(browser, violations);
  await withScreenshotOnFailure(t, page, async () => {
    await LoginPage.as(page, server.url, admin);
    await page.goto(`${server.url}/admin`);
    await page.getByRole('link', { name: 'Integrations' }).click();
    await page.getByRole('heading', { name: 'Integrations', level: 1 }).waitFor();

    await page.getByLabel('Label').fill('Catalog sync');
    await page.getByRole('checkbox', { name: 'Read the catalog' }).check();
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = await page.getByRole('textbox', { name: 'New API key' }).inputValue();
    assert.match(secret, /^mk_[\w-]{43}$/);
    const keys = page.getByRole('region', { name: 'API keys' });
    await keys.getByRole('cell', { name: 'Catalog sync', exact: true }).waitFor();
    const listed = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ query: '{ titles(first: 5) { totalCount } }' }),
    });
    assert.equal(listed.status, 200, 'the key shown works');

    const url = `http://127.0.0.1:${receiver.address().port}/events`;
    await page.getByLabel('URL').fill(url);
    await page.getByLabel('Signing secret').fill('a signing secret for the page test');
    await page.getByRole('checkbox', { name: 'title.created' }).check();
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const hook = page.getByRole('region', { name: 'Webhooks' }).getByRole('article', { name: url });
    await hook.waitFor();

    const { login } = await graphqlAt(server.url, `mutation($in: LoginInput!) { login(input: $in) { token } }`, { in: admin });
    await graphqlAt(server.url, `mutation { createTitle(input: {kind: MOVIE, name: "Fourth Wall"}) { id } }`, {}, login.token);
    await hook.getByRole('button', { name: 'Show deliveries' }).click();
    const deliveries = hook.getByRole('table', { name: 'Deliveries' });
    for (const deadline = Date.now() + 30_000; ;) {
      if (await deliveries.getByRole('cell', { name: 'SUCCEEDED' }).count()) break;
      assert.ok(Date.now() < deadline, 'the delivery shows as succeeded');
      await hook.getByRole('button', { name: 'Refresh deliveries' }).click();
      await page.waitForTimeout(200);
    }
    assert.equal(await deliveries.getByRole('cell', { name: 'title.created' }).count(), 1);
    assert.equal(await deliveries.getByRole('cell', { name: '204' }).count(), 1);
    assert.ok(received >= 1);
    await screen(page, 'admin-integrations');

    await keys.getByRole('button', { name: 'Revoke Catalog sync' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke Catalog sync' }).click();
    await keys.getByRole('cell', { name: /^Revoked / }).waitFor();
    const refused = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ query: '{ plans { code } }' }),
    });
    assert.equal(refused.status, 401, 'a revoked key stops at once');
  });
  await context.close();
});
