import { Link, useSearchParams } from 'react-router-dom';
import { useQuery } from 'urql';
import { useSession } from '../auth/session';
import { safeNext } from '../auth/LoginPage';
import { formError } from '../lib/errors';
import { formatPrice, maxQualityLabel } from '../lib/format';
import type { PlanCode } from '../gql/graphql';
import { PlansQuery } from './documents';
import { useTitle } from '../app/title';
import './plans.css';

type Plan = { code: PlanCode; name: string; priceCents: number; maxStreams: number; maxHeight: number };

/** What a plan gives over the one below it (plans come cheapest first). */
export function planAdds(p: Plan, below: Plan | undefined): string {
  if (!below) return 'Every title marked for all plans.';
  const adds = [`every ${p.name} title`];
  if (p.maxHeight === 0 || p.maxHeight > below.maxHeight) adds.unshift(maxQualityLabel(p.maxHeight).replace(/^Up to/, 'picture up to'));
  if (p.maxStreams > below.maxStreams) adds.push(`${p.maxStreams} streams at once`);
  return `Everything in ${below.name}, plus ${adds.join(', ')}.`;
}

/** The button's words: what choosing this plan does from the viewer's current one. */
export function actionLabel(p: Plan, all: readonly Plan[], current: PlanCode | null): string {
  const mine = all.find((x) => x.code === current);
  if (!mine) return `Choose ${p.name}`;
  return p.priceCents > mine.priceCents ? `Upgrade to ${p.name}` : `Switch to ${p.name}`;
}

export function PlansPage() {
  useTitle('Plans');
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
        {(data?.plans ?? []).map((p, i, all) => (
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
              <p className="plan-adds">{planAdds(p, all[i - 1])}</p>
              {current === p.code ? (
                <p className="muted">Your current plan</p>
              ) : (
                <Link
                  className="button primary"
                  to={`/plans/${p.code.toLowerCase()}${next ? `?next=${encodeURIComponent(safeNext(next))}` : ''}`}
                >
                  {actionLabel(p, all, current)}
                </Link>
              )}
            </section>
          </li>
        ))}
      </ul>
    </main>
  );
}
