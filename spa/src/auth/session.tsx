import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Link, Navigate, useLocation } from 'react-router-dom';
import { Provider, useQuery } from 'urql';
import type { MeQuery as MeResult, PlanCode } from '../gql/graphql';
import { createApiClient, type ApiClient } from '../lib/client';
import { setChoiceScope } from '../player/storage';
import { MeQuery } from './documents';

export type Viewer = NonNullable<MeResult['me']>;

interface Session {
  me: Viewer | null;
  loading: boolean;
  /** Starts over with a fresh client after login or logout. */
  reset(): void;
  /** Asks the server again who the viewer is and what membership they hold. */
  refresh(): void;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [api, setApi] = useState<ApiClient>(() => createApiClient());
  useEffect(() => () => api.dispose(), [api]);
  const reset = useCallback(() => setApi(createApiClient()), []);
  return (
    <Provider value={api.client}>
      {/* Remounted per client: state kept from the previous viewer (an answer to "who
          am I" above all) must not show while the new client asks again. */}
      <ViewerLoader key={api.id} reset={reset}>
        {children}
      </ViewerLoader>
    </Provider>
  );
}

function ViewerLoader({ reset, children }: { reset: () => void; children: ReactNode }) {
  const [{ data, error }, reexecute] = useQuery({ query: MeQuery });
  // Player choices (audio, subtitles, caption style) belong to the profile watching.
  setChoiceScope(data?.me?.profile);
  const refresh = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);
  const value = useMemo<Session>(
    // Right after a reset the new client has no answer yet: that is loading, not
    // anonymous, or guarded pages would bounce a viewer who just logged in.
    () => ({ me: data?.me ?? null, loading: data === undefined && !error, reset, refresh }),
    [data, error, reset, refresh],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

export function hasActiveMembership(me: Viewer | null): boolean {
  const status = me?.membership?.status;
  return status === 'ACTIVE' || status === 'CANCELED' || status === 'PAST_DUE';
}

/** The plan the viewer may watch on now, or null without a membership in force. */
export function planInForce(me: Viewer | null): PlanCode | null {
  return hasActiveMembership(me) ? (me?.membership?.plan.code ?? null) : null;
}

interface RequireProps {
  children: ReactNode;
  /** Administrators only. */
  admin?: boolean;
  /** Not from a Kids profile: the account, payments, administration. */
  grownUp?: boolean;
  /** Reachable before a profile is chosen (the picker itself). */
  anyProfile?: boolean;
}

/**
 * Sends visitors to the login page and logins that have not chosen who is watching to the
 * profile picker, remembering where they were going.
 */
export function RequireViewer({ children, admin = false, grownUp = admin, anyProfile = false }: RequireProps) {
  const { me, loading } = useSession();
  const location = useLocation();
  if (loading) return <p className="page muted" role="status">Loading…</p>;
  const here = encodeURIComponent(location.pathname + location.search);
  if (!me) return <Navigate to={`/login?next=${here}`} replace />;
  if (!me.profile && !anyProfile) return <Navigate to={`/profiles?next=${here}`} replace />;
  if (grownUp && me.profile?.kids) {
    return (
      <main className="page">
        <h1>Not on a Kids profile</h1>
        <p>
          <Link to="/profiles">Switch profile</Link> to open this page.
        </p>
      </main>
    );
  }
  if (admin && me.role !== 'ADMIN') {
    return (
      <main className="page">
        <h1>Administrators only</h1>
        <p>This page is for the people who run this server.</p>
      </main>
    );
  }
  return <>{children}</>;
}
