import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import { hasActiveMembership, planInForce, useSession } from '../auth/session';
import { planName, planNeeded } from '../plans/tier';
import { UpgradeLink } from '../plans/UpgradeLink';
import { formError } from '../lib/errors';
import { formatClock, progressPercent } from '../lib/format';
import { preloadPlayer } from '../player/route';
import { RateTitleMutation, TitleQuery } from './documents';
import { MyListButton } from './MyListButton';
import { PosterGrid } from './Poster';
import { StarRating } from './StarRating';
import { useTitle } from '../app/title';
import './title.css';

export function TitlePage() {
  const { id = '' } = useParams();
  // A fresh view per title, so choices made on one (season, stars) do not carry over.
  return <TitleView key={id} id={id} />;
}

function TitleView({ id }: { id: string }) {
  const { me } = useSession();
  const navigate = useNavigate();
  const [{ data, fetching, error }] = useQuery({ query: TitleQuery, variables: { id }, requestPolicy: 'cache-and-network' });
  useTitle(data ? (data.title?.name ?? 'Title not found') : null);
  const [rating, rate] = useMutation(RateTitleMutation);
  const [season, setSeason] = useState(0);
  // The stars chosen, shown at once while the rating is saved.
  const [picked, setPicked] = useState<number | null>(null);

  // Fetch the player while the viewer reads, so Play starts the stream at once.
  useEffect(() => {
    void preloadPlayer();
  }, []);

  if (error && !data) return <main className="page"><p role="alert" className="alert">{formError(error)}</p></main>;
  if (!data) return <main className="page">{fetching && <p className="muted" role="status">Loading…</p>}</main>;
  const t = data.title;
  if (!t) {
    return (
      <main className="page">
        <h1>Title not found</h1>
        <p>There is no title at this address.</p>
      </main>
    );
  }

  const watchable = hasActiveMembership(me);
  const needed = planNeeded(t.minPlan, planInForce(me));
  // Under a second in is not worth a "Resume from 0:00".
  const p = t.progress && !t.progress.completed && t.progress.positionSeconds >= 1 ? t.progress : null;
  const resumeEpisode = p?.episode?.id;
  // The first playable episode, specials (season 0) last.
  const playable = [...t.seasons]
    .sort((a, b) => (a.number === 0 ? 1 : 0) - (b.number === 0 ? 1 : 0))
    .flatMap((s) => s.episodes ?? [])
    .filter((e) => e.video?.status === 'READY');
  const firstEpisode = playable[0]?.id;
  const play = (episodeId?: string) => {
    const q = new URLSearchParams();
    if (episodeId) q.set('episode', episodeId);
    // bench/qoe opens this page with ?hls=defaults to time hls.js's own settings.
    const hls = new URLSearchParams(window.location.search).get('hls');
    if (hls) q.set('hls', hls);
    const qs = q.toString();
    navigate(`/watch/${t.id}${qs ? `?${qs}` : ''}`);
  };
  const canPlay = t.kind === 'SERIES' ? Boolean(resumeEpisode || firstEpisode) : t.video?.status === 'READY';
  const mutationError = formError(rating.error);
  const currentSeason = t.seasons[season];

  return (
    <main className="page title-page">
      <div className="title-hero">
        {t.posterUrl ? (
          <img src={t.posterUrl} alt="" className="title-art" />
        ) : (
          <div className="title-art poster-placeholder" aria-hidden="true">
            {t.name}
          </div>
        )}
        <div className="title-info">
          <h1>{t.name}</h1>
          <ul className="title-meta" aria-label="Details">
            {t.year && <li>{t.year}</li>}
            {t.maturityRating && <li className="badge">{t.maturityRating}</li>}
            {needed && <li className="plan-badge">{planName(needed)}</li>}
            {t.runtimeMinutes ? <li>{t.runtimeMinutes} min</li> : null}
            {isSampleClip(t.runtimeMinutes, t.video?.durationSeconds) && (
              <li className="muted">Sample clip, {formatClock(t.video!.durationSeconds)}</li>
            )}
            {t.kind === 'SERIES' && <li>{t.seasons.length === 1 ? '1 season' : `${t.seasons.length} seasons`}</li>}
            <li>
              {t.averageRating != null
                ? `★ ${t.averageRating.toFixed(1)} (${t.ratingCount} ${t.ratingCount === 1 ? 'rating' : 'ratings'})`
                : 'Not rated yet'}
            </li>
          </ul>
          {t.genres.length > 0 && <p className="muted">{t.genres.join(' · ')}</p>}
          <p className="synopsis">{t.synopsis}</p>
          <Credits credits={t.credits ?? []} />

          <div className="title-actions">
            {!me ? (
              <Link className="button primary" to={`/login?next=/title/${t.id}`}>
                Log in to watch
              </Link>
            ) : !t.availableInMyRegion ? (
              <p className="muted">Not available in your country.</p>
            ) : needed ? (
              <UpgradeLink needed={needed} titleId={t.id} member={watchable} />
            ) : !watchable ? (
              <Link className="button primary" to={`/plans?next=${encodeURIComponent(`/title/${t.id}`)}`}>
                Choose a plan to watch
              </Link>
            ) : p ? (
              <button type="button" className="primary" onClick={() => play(resumeEpisode)}>
                Resume from {formatClock(p.positionSeconds)}
                {p.episode ? ` (episode ${p.episode.number})` : ''}
              </button>
            ) : (
              <button type="button" className="primary" disabled={!canPlay} onClick={() => play(firstEpisode)}>
                {canPlay ? 'Play' : 'Coming soon'}
              </button>
            )}
            {me && <MyListButton id={t.id} inMyList={t.inMyList} />}
          </div>
          {p && (
            <div
              className="title-progress"
              role="progressbar"
              aria-label="Watched"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={progressPercent(p.fraction)}
            >
              <span style={{ width: `${progressPercent(p.fraction)}%` }} />
            </div>
          )}
          {me && (
            <StarRating
              value={picked ?? t.myRating ?? null}
              onRate={(stars) => {
                setPicked(stars);
                void rate({ titleId: t.id, stars });
              }}
            />
          )}
          {mutationError && <p role="alert" className="alert">{mutationError}</p>}
        </div>
      </div>

      {t.kind === 'SERIES' && t.seasons.length > 0 && (
        <section aria-labelledby="episodes-heading" className="episodes">
          <div className="episodes-head">
            <h2 id="episodes-heading">Episodes</h2>
            {t.seasons.length > 1 && (
              <select aria-label="Season" value={season} onChange={(e) => setSeason(Number(e.target.value))}>
                {t.seasons.map((s, i) => (
                  <option key={s.id} value={i}>
                    {s.name || `Season ${s.number}`}
                  </option>
                ))}
              </select>
            )}
          </div>
          <ol className="episode-list">
            {(currentSeason?.episodes ?? []).map((ep) => (
              <li key={ep.id}>
                {ep.video?.posterUrl ? (
                  <img className="episode-thumb" src={ep.video.posterUrl} alt="" loading="lazy" />
                ) : (
                  <span className="episode-thumb poster-placeholder" aria-hidden="true">
                    {ep.number}
                  </span>
                )}
                <div>
                  <h3>
                    {ep.number}. {ep.name}
                  </h3>
                  <p className="muted">{ep.synopsis}</p>
                </div>
                {watchable && t.availableInMyRegion && ep.video?.status === 'READY' && (
                  <button type="button" onClick={() => play(ep.id)} aria-label={`Play episode ${ep.number}: ${ep.name}`}>
                    ▶ {ep.runtimeMinutes ? `${ep.runtimeMinutes} min` : 'Play'}
                  </button>
                )}
                {ep.video?.status !== 'READY' && (
                  <span className="muted">{ep.video?.status === 'UNAVAILABLE' || ep.video?.status === 'FAILED' ? 'Not available' : 'Coming soon'}</span>
                )}
              </li>
            ))}
          </ol>
        </section>
      )}

      {t.similar.length > 0 && (
        <section aria-labelledby="similar-heading" className="similar">
          <h2 id="similar-heading">More like this</h2>
          <PosterGrid titles={t.similar} />
        </section>
      )}
    </main>
  );
}

type CreditRow = { role: string; character: string; person: { id: string; name: string } };

/**
 * Whether the video is a short stand-in for the title (the demo catalog's clips): under half
 * its stated runtime. The page says so rather than promise two hours and play twelve seconds.
 */
export function isSampleClip(runtimeMinutes: number | null | undefined, durationSeconds: number | null | undefined): boolean {
  return Boolean(runtimeMinutes && durationSeconds && durationSeconds < (runtimeMinutes * 60) / 2);
}

/** A role's label for one person and for several. */
const ROLE_LABEL: Record<string, [string, string]> = {
  CAST: ['Cast', 'Cast'],
  DIRECTOR: ['Director', 'Directors'],
  WRITER: ['Writer', 'Writers'],
  CREATOR: ['Created by', 'Created by'],
};

/** Cast and crew in billing order, one line per role. */
function Credits({ credits }: { credits: readonly CreditRow[] }) {
  if (credits.length === 0) return null;
  const roles = [...new Set(credits.map((c) => c.role))];
  return (
    <dl className="credits">
      {roles.map((role) => {
        const people = credits.filter((c) => c.role === role);
        return (
          <div key={role}>
            <dt>{ROLE_LABEL[role]?.[people.length > 1 ? 1 : 0] ?? role}</dt>
            <dd>{people.map((c) => (c.character ? `${c.person.name} (${c.character})` : c.person.name)).join(', ')}</dd>
          </div>
        );
      })}
    </dl>
  );
}
