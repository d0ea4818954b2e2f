import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { Provider, useQuery } from 'urql';
import type { MeQuery as MeResult } from '../gql/graphql';
import { createApiClient, type ApiClient } from '../lib/client';
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

/** Sends visitors to the login page, remembering where they were going. */
export function RequireViewer({ children, admin = false }: { children: ReactNode; admin?: boolean }) {
  const { me, loading } = useSession();
  const location = useLocation();
  if (loading) return <p className="page muted" role="status">Loading…</p>;
  if (!me) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
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
