// The example integration in docs/examples, run as an integrator would against a real
// server: it lists the titles with an API key, then receives a webhook, checks its
// signature and drops the event when it comes again.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { admin, dataDir, freePort, graphqlAt, startMarquee } from './server.mjs';

const script = fileURLToPath(new URL('../../docs/examples/integration.mjs', import.meta.url));
const secret = 'integration-test-secret-0123';
let server;
let data;

before(async () => {
  data = dataDir();
  await data.run('user', 'create', '--email', admin.email, '--password', admin.password, '--admin');
  server = await startMarquee({
    data,
    args: ['--workers', '1', '--seed-demo=false', '--webhook-allow-http', '--webhook-allow-networks', '127.0.0.1/32'],
  });
});

after(async () => {
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
    const first = (await graphqlAt(server.url, log, { id: createWebhook.id }, token)).webhookDeliveries.edges[0].node;
    assert.equal(first.responseCode, 204);
    await graphqlAt(server.url, `mutation($d: ID!) { redeliver(deliveryId: $d) { id } }`, { d: first.id }, token);
    for (const deadline = Date.now() + 30_000; ;) {
      const d = (await graphqlAt(server.url, log, { id: createWebhook.id }, token)).webhookDeliveries.edges[0].node;
      if (d.status === 'SUCCEEDED' && d.attempts === 2) break;
      assert.ok(Date.now() < deadline, `redelivery did not succeed: ${JSON.stringify(d)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(example.lines().filter((l) => l.startsWith('event ')).length, 1, example.lines().join('\n'));
  } finally {
    example.stop();
  }
});
