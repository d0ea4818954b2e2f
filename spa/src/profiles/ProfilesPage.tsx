import { useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import { FormAlert } from '../app/Field';
import { safeNext } from '../auth/LoginPage';
import { useSession } from '../auth/session';
import { formError } from '../lib/errors';
import { initials, needsPin } from './choose';
import { ProfilesQuery, SelectProfileMutation } from './documents';
import { useTitle } from '../app/title';
import './profiles.css';

type Profile = { id: string; name: string; kids: boolean; hasPin: boolean };

/**
 * "Who's watching?": after login, and from the header. Choosing a profile binds this login
 * to it; the app then starts over with a fresh client, so that nothing cached for the
 * previous profile shows and the websocket reconnects as the new one.
 */
export function ProfilesPage() {
  useTitle('Who’s watching?');
  const { me, reset } = useSession();
  const [{ data, error }] = useQuery({ query: ProfilesQuery, requestPolicy: 'network-only' });
  const [select, selectProfile] = useMutation(SelectProfileMutation);
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [asking, setAsking] = useState<Profile | null>(null);
  const [pin, setPin] = useState('');
  const next = safeNext(params.get('next'));
  const current = me?.profile ?? null;
  const profiles = data?.profiles ?? [];

  // One profile, already watching: nothing to choose (right after login, say).
  if (params.get('auto') && profiles.length === 1 && current?.id === profiles[0]?.id) {
    return <Navigate to={next} replace />;
  }

  async function enter(p: Profile, withPin?: string) {
    if (p.id === current?.id) {
      navigate(next);
      return;
    }
    if (withPin === undefined && needsPin(p, current)) {
      setAsking(p);
      setPin('');
      return;
    }
    const res = await selectProfile({ id: p.id, pin: withPin ?? null });
    if (res.data) {
      reset();
      navigate(next, { replace: true });
    } else if (res.error?.graphQLErrors.some((e) => e.extensions?.code === 'PIN_REQUIRED')) {
      setAsking(p);
    }
  }

  function submitPin(e: FormEvent) {
    e.preventDefault();
    if (asking) void enter(asking, pin);
  }

  return (
    <main className="page profiles-page">
      <h1>Who’s watching?</h1>
      {error && !data && <FormAlert message={formError(error)} />}
      {!data && !error && <p className="muted" role="status">Loading…</p>}
      <ul className="profile-tiles">
        {profiles.map((p) => (
          <li key={p.id}>
            <button
              type="button"
              className={`profile-tile${p.kids ? ' kids' : ''}${p.id === current?.id ? ' current' : ''}`}
              onClick={() => void enter(p)}
              disabled={select.fetching}
              aria-describedby={p.hasPin ? `lock-${p.id}` : undefined}
            >
              <span className="avatar" aria-hidden="true">
                {initials(p.name)}
              </span>
              <span className="profile-name">{p.name}</span>
              {p.kids && <span className="badge">Kids</span>}
              {p.hasPin && (
                <span id={`lock-${p.id}`} className="muted small">
                  PIN locked
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
      {asking && (
        <form onSubmit={submitPin} className="stack pin-form" aria-label={`PIN for ${asking.name}`}>
          <label htmlFor="profile-pin">Enter the PIN for {asking.name}</label>
          <input
            id="profile-pin"
            className="pin-input"
            inputMode="numeric"
            autoComplete="off"
            pattern="[0-9]{4}"
            maxLength={4}
            autoFocus
            value={pin}
            onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
          />
          <FormAlert message={formError(select.error)} />
          <div className="row-buttons">
            <button type="submit" className="primary" disabled={pin.length !== 4 || select.fetching}>
              Continue
            </button>
            <button type="button" onClick={() => setAsking(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {!asking && <FormAlert message={formError(select.error)} />}
      {current && !current.kids && (
        <p>
          <Link to="/account#profiles">Manage profiles</Link>
        </p>
      )}
    </main>
  );
}
