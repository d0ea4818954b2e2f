// A Marquee integration in one file, with nothing to install (Node 18 or later):
//
//   MARQUEE_URL=https://tv.example.org MARQUEE_API_KEY=mk_… WEBHOOK_SECRET=… node integration.mjs
//
// It lists the titles added since the last run (an API key with CATALOG_READ), then
// receives webhooks on PORT (default 8787), checking each signature and dropping events it
// has already handled. Register the receiver with createWebhook, using the same secret.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const base = process.env.MARQUEE_URL ?? 'http://127.0.0.1:8080';
const key = process.env.MARQUEE_API_KEY;
const secret = process.env.WEBHOOK_SECRET;
const port = Number(process.env.PORT ?? 8787);
const since = process.env.SINCE ?? null; // e.g. 2026-12-01T00:00:00Z; null: every title

async function graphql(query, variables) {
  for (;;) {
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    if (res.status === 429) {
      // Over the key's rate: wait as long as the server says, then try again.
      const wait = Number(res.headers.get('Retry-After') ?? 1);
      await new Promise((r) => setTimeout(r, wait * 1000));
      continue;
    }
    const body = await res.json();
    if (body.errors?.length) {
      const e = body.errors[0];
      throw new Error(`${e.extensions?.code}: ${e.message}`);
    }
    return body.data;
  }
}

// Titles added after `since`, oldest first, a page at a time.
async function newTitles() {
  const query = `query($after: Cursor, $since: Time) {
    titles(first: 50, after: $after, createdAfter: $since) {
      edges { node { id name year kind } }
      pageInfo { hasNextPage endCursor }
    }
  }`;
  const out = [];
  let after = null;
  do {
    const { titles } = await graphql(query, { after, since });
    out.push(...titles.edges.map((e) => e.node));
    after = titles.pageInfo.hasNextPage ? titles.pageInfo.endCursor : null;
  } while (after);
  return out;
}

// verify checks a Marquee-Signature header ("t=<unix seconds>,v1=<hex>") against the raw
// body: HMAC-SHA256 of "<t>.<body>" with the webhook's secret, made within five minutes.
export function verify(header, body, secretKey, now = Date.now()) {
  const fields = (header ?? '').split(',').map((p) => p.trim().split('='));
  const t = Number(fields.find(([k]) => k === 't')?.[1]);
  if (!Number.isFinite(t) || Math.abs(now / 1000 - t) > 300) return false;
  const expected = createHmac('sha256', secretKey).update(`${t}.`).update(body).digest();
  return fields
    .filter(([k]) => k === 'v1')
    .some(([, hex]) => {
      const got = Buffer.from(hex ?? '', 'hex');
      return got.length === expected.length && timingSafeEqual(got, expected);
    });
}

function receive() {
  const handled = new Set(); // event ids already processed; keep them in a database in production
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (!verify(req.headers['marquee-signature'], body, secret)) {
        res.writeHead(400).end('bad signature');
        return;
      }
      const event = JSON.parse(body.toString('utf8'));
      if (!handled.has(event.id)) {
        handled.add(event.id);
        console.log(`event ${event.type} ${event.id} ${JSON.stringify(event.data)}`);
      }
      res.writeHead(204).end(); // answer fast; do slow work after answering
    });
  });
  server.listen(port, '127.0.0.1', () => console.log(`listening on ${port}`));
}

for (const t of await newTitles()) console.log(`title ${t.id} ${t.name}`);
if (secret) receive();
