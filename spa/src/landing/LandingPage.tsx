import { Link } from 'react-router-dom';
import { useQuery } from 'urql';
import { useTitle } from '../app/title';
import { graphql } from '../gql';
import { formatPrice, maxQualityLabel } from '../lib/format';
import { PlansQuery } from '../plans/documents';
import './landing.css';

/** What a visitor may see of the catalog: the newest and most watched titles. */
const ShowcaseQuery = graphql(`
  query Showcase {
    fresh: category(slug: "new-releases") {
      ...ShowcaseRow
    }
    trending: category(slug: "trending") {
      ...ShowcaseRow
    }
  }
`);

export const ShowcaseRowFragment = graphql(`
  fragment ShowcaseRow on Category {
    titles(first: 12) {
      edges {
        node {
          id
          name
          posterUrl
          backdropUrl
        }
      }
    }
  }
`);

export function LandingPage() {
  useTitle();
  const [{ data }] = useQuery({ query: ShowcaseQuery });
  const [{ data: plans }] = useQuery({ query: PlansQuery });
  // Trending first, then new; each title once, and only those with artwork.
  const byId = new Map<string, { id: string; name: string; posterUrl?: string | null; backdropUrl?: string | null }>();
  for (const c of [data?.trending, data?.fresh]) {
    for (const e of c?.titles.edges ?? []) {
      if (e?.node && (e.node.posterUrl || e.node.backdropUrl) && !byId.has(e.node.id)) byId.set(e.node.id, e.node);
    }
  }
  const art = [...byId.values()].slice(0, 12);
  return (
    <main className="landing">
      {art.length > 0 && (
        <ul className="showcase" aria-hidden="true">
          {art.map((t) => (
            <li key={t.id}>
              <img src={t.posterUrl ?? t.backdropUrl ?? ''} alt="" loading="lazy" />
            </li>
          ))}
        </ul>
      )}
      <div className="landing-text">
        <h1>Marquee</h1>
        <p className="lede">Films and series from your own server, on every screen you own.</p>
        <nav aria-label="Account">
          <ul className="actions">
            <li>
              <Link to="/signup" className="button primary">
                Sign up
              </Link>
            </li>
            <li>
              <Link to="/login" className="button">
                Log in
              </Link>
            </li>
          </ul>
        </nav>
        {art.length > 0 && <p className="muted">{art.map((t) => t.name).slice(0, 5).join(' · ')} and more.</p>}
      </div>
      {plans && plans.plans.length > 0 && (
        <section aria-labelledby="landing-plans" className="landing-plans">
          <h2 id="landing-plans">Plans</h2>
          <ul>
            {plans.plans.map((p) => (
              <li key={p.code}>
                <strong>{p.name}</strong> {formatPrice(p.priceCents, p.currency)} a month
                <span className="muted">
                  {' '}
                  · {p.maxStreams} {p.maxStreams === 1 ? 'screen' : 'screens'} at once · {maxQualityLabel(p.maxHeight)}
                </span>
              </li>
            ))}
          </ul>
          <Link to="/plans">Compare the plans</Link>
        </section>
      )}
    </main>
  );
}
