import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import { Field, FormAlert } from '../app/Field';
import { useTitle } from '../app/title';
import { graphql } from '../gql';
import type { ApiScope, WebhookEvent } from '../gql/graphql';
import { fieldErrors, formError } from '../lib/errors';
import { ConfirmDialog } from './ConfirmDialog';
import { API_SCOPES, WEBHOOK_EVENTS, keyState, toggle } from './integrations';
import './admin.css';

const IntegrationsQuery = graphql(`
  query Integrations {
    apiKeys {
      id
      label
      prefix
      scopes
      rateLimitPerMinute
      createdAt
      expiresAt
      lastUsedAt
      revokedAt
      active
    }
    webhooks {
      id
      url
      events
      createdAt
    }
  }
`);

const CreateApiKeyMutation = graphql(`
  mutation CreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      secret
      key {
        id
        label
      }
    }
  }
`);

const RevokeApiKeyMutation = graphql(`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id)
  }
`);

const CreateWebhookMutation = graphql(`
  mutation CreateWebhook($input: CreateWebhookInput!) {
    createWebhook(input: $input) {
      id
      url
    }
  }
`);

const DeleteWebhookMutation = graphql(`
  mutation DeleteWebhook($id: ID!) {
    deleteWebhook(id: $id)
  }
`);

const DeliveriesQuery = graphql(`
  query WebhookDeliveries($id: ID!) {
    webhookDeliveries(webhookId: $id, first: 20) {
      totalCount
      edges {
        node {
          id
          event
          status
          attempts
          responseCode
          latencyMs
          error
          createdAt
          nextAttemptAt
        }
      }
    }
  }
`);

const RedeliverMutation = graphql(`
  mutation Redeliver($id: ID!) {
    redeliver(deliveryId: $id) {
      id
      status
    }
  }
`);

const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '–');

/** API keys and webhooks: what integrators' servers use, managed by administrators. */
export default function IntegrationsPage() {
  useTitle('Integrations');
  const [{ data, error }, refetch] = useQuery({ query: IntegrationsQuery, requestPolicy: 'cache-and-network' });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  return (
    <main className="page admin integrations">
      <p>
        <Link to="/admin">Administration</Link>
      </p>
      <h1>Integrations</h1>
      <p className="muted">
        Servers that work with this catalog use API keys, and hear of changes through webhooks. See the API guide for the
        scopes, the events and how deliveries are signed.
      </p>
      {error && !data && <p role="alert" className="alert">{formError(error)}</p>}
      <div className="admin-grid">
        <CreateKey onCreated={reload} />
        <CreateWebhook onCreated={reload} />
      </div>
      {data && (
        <>
          <section aria-labelledby="keys-heading" className="card">
            <h2 id="keys-heading">API keys</h2>
            {data.apiKeys.length === 0 ? (
              <p className="muted">No API keys yet.</p>
            ) : (
              <div className="table-scroll">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Label</th>
                      <th scope="col">Key</th>
                      <th scope="col">Scopes</th>
                      <th scope="col">Limit</th>
                      <th scope="col">Last used</th>
                      <th scope="col">State</th>
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.apiKeys.map((k) => (
                      <tr key={k.id}>
                        <td>{k.label}</td>
                        <td>
                          <code>{k.prefix}…</code>
                        </td>
                        <td>{k.scopes.map((s) => API_SCOPES[s]).join(', ')}</td>
                        <td>{k.rateLimitPerMinute}/min</td>
                        <td>{when(k.lastUsedAt)}</td>
                        <td>{keyState(k)}</td>
                        <td>{k.active && <RevokeKey id={k.id} label={k.label} onRevoked={reload} />}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <section aria-labelledby="hooks-heading" className="card">
            <h2 id="hooks-heading">Webhooks</h2>
            {data.webhooks.length === 0 ? (
              <p className="muted">No webhooks yet.</p>
            ) : (
              data.webhooks.map((h) => <Webhook key={h.id} hook={h} onDeleted={reload} />)
            )}
          </section>
        </>
      )}
    </main>
  );
}

function CreateKey({ onCreated }: { onCreated(): void }) {
  const [created, create] = useMutation(CreateApiKeyMutation);
  const [label, setLabel] = useState('');
  const [scopes, setScopes] = useState<ApiScope[]>([]);
  const [expires, setExpires] = useState('');
  const [limit, setLimit] = useState('');
  const errors = fieldErrors(created.error);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await create({
      input: {
        label,
        scopes,
        expiresAt: expires ? new Date(`${expires}T23:59:59`).toISOString() : null,
        rateLimitPerMinute: limit ? Number(limit) : null,
      },
    });
    if (res.data) {
      setLabel('');
      setScopes([]);
      onCreated();
    }
  }
  const secret = created.data?.createApiKey.secret;
  return (
    <section aria-labelledby="create-key-heading" className="card">
      <h2 id="create-key-heading">Create an API key</h2>
      <form onSubmit={submit} noValidate className="stack">
        <FormAlert message={formError(created.error, ['label', 'scopes', 'expiresAt', 'rateLimitPerMinute'])} />
        <Field label="Label" hint="What the key is for, e.g. the integration's name" value={label} onChange={(e) => setLabel(e.target.value)} error={errors.label} />
        <fieldset className="field">
          <legend>Scopes</legend>
          {(Object.keys(API_SCOPES) as ApiScope[]).map((s) => (
            <label key={s} className="check">
              <input type="checkbox" checked={scopes.includes(s)} onChange={() => setScopes(toggle(scopes, s))} /> {API_SCOPES[s]}
            </label>
          ))}
          {errors.scopes && <small className="field-error">{errors.scopes}</small>}
        </fieldset>
        <div className="row">
          <Field label="Expires" type="date" hint="Empty: never" value={expires} onChange={(e) => setExpires(e.target.value)} error={errors.expiresAt} />
          <Field label="Requests a minute" type="number" hint="Default 600" value={limit} onChange={(e) => setLimit(e.target.value)} error={errors.rateLimitPerMinute} />
        </div>
        <button type="submit" className="primary" disabled={created.fetching}>
          Create key
        </button>
      </form>
      {secret && (
        <div className="notice" role="status">
          <p>Copy the key now: it is not shown again.</p>
          <input readOnly aria-label="New API key" className="secret" value={secret} onFocus={(e) => e.target.select()} />
        </div>
      )}
    </section>
  );
}

function RevokeKey({ id, label, onRevoked }: { id: string; label: string; onRevoked(): void }) {
  const [confirming, setConfirming] = useState(false);
  const [revoked, revoke] = useMutation(RevokeApiKeyMutation);
  async function confirm() {
    const res = await revoke({ id });
    if (!res.error) {
      setConfirming(false);
      onRevoked();
    }
  }
  return (
    <>
      <button type="button" onClick={() => setConfirming(true)}>
        Revoke {label}
      </button>
      <ConfirmDialog
        open={confirming}
        title={`Revoke ${label}`}
        message="The key stops working at once, on every server. This cannot be undone."
        confirmLabel={`Revoke ${label}`}
        busy={revoked.fetching}
        error={formError(revoked.error)}
        onConfirm={confirm}
        onCancel={() => setConfirming(false)}
      />
    </>
  );
}

function CreateWebhook({ onCreated }: { onCreated(): void }) {
  const [created, create] = useMutation(CreateWebhookMutation);
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [events, setEvents] = useState<WebhookEvent[]>([]);
  const errors = fieldErrors(created.error);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await create({ input: { url, secret, events } });
    if (res.data) {
      setUrl('');
      setSecret('');
      setEvents([]);
      onCreated();
    }
  }
  return (
    <section aria-labelledby="create-hook-heading" className="card">
      <h2 id="create-hook-heading">Add a webhook</h2>
      <form onSubmit={submit} noValidate className="stack">
        <FormAlert message={formError(created.error, ['url', 'secret', 'events'])} />
        <Field label="URL" type="url" placeholder="https://example.org/marquee-events" value={url} onChange={(e) => setUrl(e.target.value)} error={errors.url} />
        <Field label="Signing secret" hint="16 characters or more; your receiver checks signatures with it" value={secret} onChange={(e) => setSecret(e.target.value)} error={errors.secret} />
        <fieldset className="field">
          <legend>Events</legend>
          {(Object.keys(WEBHOOK_EVENTS) as WebhookEvent[]).map((ev) => (
            <label key={ev} className="check">
              <input type="checkbox" checked={events.includes(ev)} onChange={() => setEvents(toggle(events, ev))} /> {WEBHOOK_EVENTS[ev]}
            </label>
          ))}
          {errors.events && <small className="field-error">{errors.events}</small>}
        </fieldset>
        <button type="submit" className="primary" disabled={created.fetching}>
          Add webhook
        </button>
      </form>
    </section>
  );
}

function Webhook({ hook, onDeleted }: { hook: { id: string; url: string; events: WebhookEvent[] }; onDeleted(): void }) {
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [deleted, remove] = useMutation(DeleteWebhookMutation);
  async function confirm() {
    const res = await remove({ id: hook.id });
    if (!res.error) {
      setConfirming(false);
      onDeleted();
    }
  }
  return (
    <article className="webhook" aria-label={hook.url}>
      <h3>
        <code>{hook.url}</code>
      </h3>
      <p className="muted">{hook.events.map((e) => WEBHOOK_EVENTS[e]).join(', ')}</p>
      <div className="row">
        <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Hide deliveries' : 'Show deliveries'}
        </button>
        <button type="button" onClick={() => setConfirming(true)}>
          Delete webhook
        </button>
      </div>
      {open && <Deliveries webhookId={hook.id} />}
      <ConfirmDialog
        open={confirming}
        title="Delete this webhook"
        message={`Deliveries to ${hook.url} stop, and its delivery log is removed.`}
        confirmLabel="Delete webhook"
        busy={deleted.fetching}
        error={formError(deleted.error)}
        onConfirm={confirm}
        onCancel={() => setConfirming(false)}
      />
    </article>
  );
}

function Deliveries({ webhookId }: { webhookId: string }) {
  const [{ data, error }, refetch] = useQuery({ query: DeliveriesQuery, variables: { id: webhookId }, requestPolicy: 'network-only' });
  const [redelivered, redeliver] = useMutation(RedeliverMutation);
  const rows = data?.webhookDeliveries.edges.map((e) => e.node) ?? [];
  return (
    <div className="stack">
      {error && <p role="alert" className="alert">{formError(error)}</p>}
      <FormAlert message={formError(redelivered.error)} />
      <p>
        <button type="button" onClick={() => refetch({ requestPolicy: 'network-only' })}>
          Refresh deliveries
        </button>
      </p>
      {data && rows.length === 0 && <p className="muted">Nothing delivered yet.</p>}
      {rows.length > 0 && (
        <div className="table-scroll">
          <table aria-label="Deliveries">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Response</th>
                <th scope="col">Latency</th>
                <th scope="col">Sent</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.id}>
                  <td>{WEBHOOK_EVENTS[d.event]}</td>
                  <td title={d.error || undefined}>
                    {d.status}
                    {d.status === 'PENDING' && d.nextAttemptAt ? `, retry at ${when(d.nextAttemptAt)}` : ''}
                  </td>
                  <td>{d.attempts}</td>
                  <td>{d.responseCode ?? (d.error ? 'no answer' : '–')}</td>
                  <td>{d.latencyMs == null ? '–' : `${d.latencyMs} ms`}</td>
                  <td>{when(d.createdAt)}</td>
                  <td>
                    <button
                      type="button"
                      disabled={redelivered.fetching}
                      onClick={async () => {
                        await redeliver({ id: d.id });
                        refetch({ requestPolicy: 'network-only' });
                      }}
                    >
                      Redeliver
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
