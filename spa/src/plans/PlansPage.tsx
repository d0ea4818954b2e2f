import { Link, useSearchParams } from 'react-router-dom';
import { useQuery } from 'urql';
import { useSession } from '../auth/session';
import { safeNext } from '../auth/LoginPage';
import { formError } from '../lib/errors';
import { formatPrice, maxQualityLabel } from '../lib/format';
import { PlansQuery } from './documents';
import './plans.css';

export function PlansPage() {
  const [{ data, error }] = useQuery({ query: PlansQuery });
  const { me } = useSession();
  const [params] = useSearchParams();
  const next = params.get('next');
  const current = me?.membership && me.membership.status !== 'EXPIRED' ? me.membership.plan.code : null;
  return (
    <main className="page">
      <h1>Choose a plan</h1>
      <p className="muted">Change or cancel at any time.</p>
      {error && <p role="alert" className="alert">{formError(error)}</p>}
      <ul className="plan-grid">
        {(data?.plans ?? []).map((p) => (
          <li key={p.code} className={`plan-card${current === p.code ? ' current' : ''}`}>
            <section aria-labelledby={`plan-${p.code}`}>
              <h2 id={`plan-${p.code}`}>{p.name}</h2>
              <p className="price">
                {formatPrice(p.priceCents, p.currency)}
                <span className="muted"> / month</span>
              </p>
              <dl>
                <dt>Streams at once</dt>
                <dd>{p.maxStreams}</dd>
                <dt>Picture</dt>
                <dd>{maxQualityLabel(p.maxHeight)}</dd>
              </dl>
              {current === p.code ? (
                <p className="muted">Your current plan</p>
              ) : (
                <Link
                  className="button primary"
                  to={`/plans/${p.code.toLowerCase()}${next ? `?next=${encodeURIComponent(safeNext(next))}` : ''}`}
                  aria-label={`Choose ${p.name}`}
                >
                  Choose
                </Link>
              )}
            </section>
          </li>
        ))}
      </ul>
    </main>
  );
}
