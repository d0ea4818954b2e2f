import { useState, type FormEvent, type ReactNode } from 'react';
import { useNavigate } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import { Field, FormAlert } from '../app/Field';
import { useSession } from '../auth/session';
import { graphql } from '../gql';
import { fieldErrors, formError } from '../lib/errors';
import { formatDate } from '../lib/format';

const SessionsQuery = graphql(`
  query Sessions {
    sessions {
      id
      device
      ip
      createdAt
      lastUsedAt
      current
    }
  }
`);

const ChangePasswordMutation = graphql(`
  mutation ChangePassword($current: String!, $next: String!) {
    changePassword(currentPassword: $current, newPassword: $next)
  }
`);

const ChangeEmailMutation = graphql(`
  mutation ChangeEmail($email: String!, $password: String!) {
    changeEmail(newEmail: $email, password: $password)
  }
`);

const RevokeSessionMutation = graphql(`
  mutation RevokeSession($id: ID!) {
    revokeSession(id: $id)
  }
`);

const RevokeOthersMutation = graphql(`
  mutation RevokeOtherSessions {
    revokeOtherSessions
  }
`);

const ExportMutation = graphql(`
  mutation ExportMyData {
    exportMyData
  }
`);

const DeleteAccountMutation = graphql(`
  mutation DeleteAccount($password: String!) {
    deleteAccount(password: $password)
  }
`);

function Card({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="card">
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/** Password, email, signed-in devices, and the account's data: export and deletion. */
export function Security() {
  return (
    <>
      <ChangePassword />
      <ChangeEmail />
      <Devices />
      <YourData />
    </>
  );
}

function ChangePassword() {
  const [{ fetching, error, data }, change] = useMutation(ChangePasswordMutation);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const errors = fieldErrors(error);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await change({ current, next });
    if (res.data) {
      setCurrent('');
      setNext('');
    }
  }
  return (
    <Card id="password-heading" title="Password">
      <form onSubmit={submit} noValidate className="stack">
        {data?.changePassword && !fetching && (
          <p className="notice" role="status">
            Password changed. Your other devices were signed out.
          </p>
        )}
        <FormAlert message={formError(error, ['currentPassword', 'newPassword'])} />
        <Field label="Current password" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} error={errors.currentPassword} />
        <Field label="New password" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} error={errors.newPassword} hint="At least 8 characters." />
        <button type="submit" disabled={fetching}>
          Change password
        </button>
      </form>
    </Card>
  );
}

function ChangeEmail() {
  const [{ fetching, error }, change] = useMutation(ChangeEmailMutation);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [sent, setSent] = useState('');
  const errors = fieldErrors(error);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await change({ email, password });
    if (res.data) {
      setSent(email.trim());
      setPassword('');
    }
  }
  return (
    <Card id="email-heading" title="Email">
      <form onSubmit={submit} noValidate className="stack">
        {sent && (
          <p className="notice" role="status">
            Check {sent} for a link: your email changes when you follow it.
          </p>
        )}
        <FormAlert message={formError(error, ['newEmail', 'password'])} />
        <Field label="New email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} error={errors.newEmail} />
        <Field label="Password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} error={errors.password} />
        <button type="submit" disabled={fetching}>
          Change email
        </button>
      </form>
    </Card>
  );
}

function Devices() {
  const [{ data, error }, reexecute] = useQuery({ query: SessionsQuery, requestPolicy: 'cache-and-network' });
  const [revoking, revoke] = useMutation(RevokeSessionMutation);
  const [others, revokeOthers] = useMutation(RevokeOthersMutation);
  const again = () => reexecute({ requestPolicy: 'network-only' });
  const sessions = data?.sessions ?? [];
  return (
    <Card id="devices-heading" title="Devices">
      <FormAlert message={formError(error ?? revoking.error ?? others.error)} />
      <ul className="devices">
        {sessions.map((s) => (
          <li key={s.id}>
            <div>
              <strong>{s.device}</strong>
              {s.current && <span className="badge">This device</span>}
              <div className="muted">
                {s.ip} · signed in {formatDate(s.createdAt)} · last used {formatDate(s.lastUsedAt)}
              </div>
            </div>
            {!s.current && (
              <button type="button" aria-label={`Sign out ${s.device}`} disabled={revoking.fetching} onClick={() => void revoke({ id: s.id }).then(again)}>
                Sign out
              </button>
            )}
          </li>
        ))}
      </ul>
      {sessions.length > 1 && (
        <button type="button" disabled={others.fetching} onClick={() => void revokeOthers({}).then(again)}>
          Sign out all other devices
        </button>
      )}
    </Card>
  );
}

function YourData() {
  const [exported, exportData] = useMutation(ExportMutation);
  const [deleting, deleteAccount] = useMutation(DeleteAccountMutation);
  const [confirming, setConfirming] = useState(false);
  const [password, setPassword] = useState('');
  const { reset } = useSession();
  const navigate = useNavigate();
  const errors = fieldErrors(deleting.error);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await deleteAccount({ password });
    if (res.data) {
      reset();
      navigate('/', { replace: true });
    }
  }
  return (
    <Card id="data-heading" title="Your data">
      <p>Download everything your account holds: profiles, viewing history, ratings, lists, payments and devices, as JSON.</p>
      <FormAlert message={formError(exported.error)} />
      {exported.data ? (
        <p>
          <a href={exported.data.exportMyData} download>
            Download my data
          </a>{' '}
          <span className="muted">(the link works for 15 minutes)</span>
        </p>
      ) : (
        <button type="button" disabled={exported.fetching} onClick={() => void exportData({})}>
          Prepare my data for download
        </button>
      )}
      <h3>Delete account</h3>
      {confirming ? (
        <form onSubmit={submit} noValidate className="stack">
          <p>
            This deletes your account, its profiles and everything they watched, rated and listed, and ends your membership.
            It cannot be undone.
          </p>
          <FormAlert message={formError(deleting.error, ['password'])} />
          <Field label="Password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} error={errors.password} />
          <div className="title-actions">
            <button type="submit" className="danger" disabled={deleting.fetching}>
              Delete my account for good
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Keep my account
            </button>
          </div>
        </form>
      ) : (
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Delete my account
        </button>
      )}
    </Card>
  );
}
