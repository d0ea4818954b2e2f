import { Link } from 'react-router-dom';
import { useQuery } from 'urql';
import { hasActiveMembership, planInForce, useSession } from '../auth/session';
import type { HeroQuery as HeroResult, HeroTitleFragment } from '../gql/graphql';
import { planName, planNeeded } from '../plans/tier';
import { UpgradeLink } from '../plans/UpgradeLink';
import { MyListButton } from '../title/MyListButton';
import { HeroQuery } from './documents';

/** The featured title: the first with artwork among the recommended, trending and new ones. */
export function pickHero(data: HeroResult | undefined): HeroTitleFragment | null {
  if (!data) return null;
  const all = [data.recommended, data.trending, data.fresh].flatMap((c) => (c?.titles.edges ?? []).flatMap((e) => (e?.node ? [e.node] : [])));
  return all.find((t) => t.backdropUrl || t.posterUrl) ?? all[0] ?? null;
}

/** A large banner for one title at the top of the home: artwork, name, synopsis, Play, My List. */
export function Hero() {
  const [{ data }] = useQuery({ query: HeroQuery, requestPolicy: 'cache-and-network' });
  const { me } = useSession();
  const t = pickHero(data);
  if (!t) return null;
  const watchable = hasActiveMembership(me);
  const needed = planNeeded(t.minPlan, planInForce(me));
  const art = t.backdropUrl ?? t.posterUrl;
  const playable = t.kind === 'MOVIE' && t.video?.status === 'READY';
  return (
    <section className="hero" aria-label="Featured">
      {art && <img className="hero-art" src={art} alt="" />}
      <div className="hero-text">
        <h2>{t.logoUrl ? <img className="hero-logo" src={t.logoUrl} alt={t.name} /> : t.name}</h2>
        <p className="muted">
          {[t.year, t.maturityRating].filter(Boolean).join(' · ')}
          {needed && <span className="plan-badge">{planName(needed)}</span>}
        </p>
        <p className="hero-synopsis">{t.synopsis}</p>
        <div className="hero-actions">
          {needed ? (
            <UpgradeLink needed={needed} titleId={t.id} member={watchable} />
          ) : watchable && playable ? (
            <Link className="button primary" to={`/watch/${t.id}`}>
              ▶ Play
            </Link>
          ) : (
            <Link className="button primary" to={`/title/${t.id}`}>
              More about {t.name}
            </Link>
          )}
          <MyListButton id={t.id} inMyList={t.inMyList} />
        </div>
      </div>
    </section>
  );
}
