import { Link } from 'react-router-dom';
import { planInForce, useSession } from '../auth/session';
import type { PlanCode } from '../gql/graphql';
import { progressPercent } from '../lib/format';
import { planName, planNeeded } from '../plans/tier';
import './poster.css';

export interface PosterTitle {
  id: string;
  name: string;
  posterUrl?: string | null;
  progress?: { fraction: number; episode?: { number: number; season: { number: number } } | null } | null;
  minPlan?: PlanCode | null;
}

/** The plan a viewer would need for a title, from the session: null when theirs covers it. */
export function usePlanNeeded(minPlan: PlanCode | null | undefined): PlanCode | null {
  return planNeeded(minPlan, planInForce(useSession().me));
}

/** "S1:E2": where a series was left, as Continue Watching says it. */
export function episodeLabel(e: { number: number; season: { number: number } }): string {
  return `S${e.season.number}:E${e.number}`;
}

/** A title's poster linking to its page; the name stands in while there is no picture. */
export function PosterCard({ title, showProgress = false }: { title: PosterTitle; showProgress?: boolean }) {
  const pct = progressPercent(title.progress?.fraction);
  const needed = usePlanNeeded(title.minPlan);
  return (
    <Link to={`/title/${title.id}`} className="poster-card">
      {needed && (
        <span className="plan-badge" title={`Needs the ${planName(needed)} plan`}>
          {planName(needed)}
        </span>
      )}
      {title.posterUrl ? (
        <img src={title.posterUrl} alt="" loading="lazy" className="poster-img" />
      ) : (
        <span className="poster-placeholder" aria-hidden="true">
          {title.name}
        </span>
      )}
      {/* The placeholder prints the name already: then the caption is for screen readers only. */}
      <span className={title.posterUrl ? 'poster-name' : 'visually-hidden'}>
        {title.name}
        {needed && `, needs the ${planName(needed)} plan`}
      </span>
      {showProgress && title.progress?.episode && (
        <span className="poster-episode">{episodeLabel(title.progress.episode)}</span>
      )}
      {showProgress && title.progress && (
        <span
          className="poster-progress"
          role="progressbar"
          aria-label={`${title.name}: watched`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={pct}
        >
          <span style={{ width: `${pct}%` }} />
        </span>
      )}
    </Link>
  );
}

export function PosterGrid({ titles }: { titles: PosterTitle[] }) {
  return (
    <ul className="poster-grid">
      {titles.map((t) => (
        <li key={t.id}>
          <PosterCard title={t} />
        </li>
      ))}
    </ul>
  );
}
