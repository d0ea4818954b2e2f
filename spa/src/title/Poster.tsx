import { Link } from 'react-router-dom';
import { progressPercent } from '../lib/format';
import './poster.css';

export interface PosterTitle {
  id: string;
  name: string;
  posterUrl?: string | null;
  progress?: { fraction: number } | null;
}

/** A title's poster linking to its page; the name stands in while there is no picture. */
export function PosterCard({ title, showProgress = false }: { title: PosterTitle; showProgress?: boolean }) {
  const pct = progressPercent(title.progress?.fraction);
  return (
    <Link to={`/title/${title.id}`} className="poster-card">
      {title.posterUrl ? (
        <img src={title.posterUrl} alt="" loading="lazy" className="poster-img" />
      ) : (
        <span className="poster-placeholder" aria-hidden="true">
          {title.name}
        </span>
      )}
      <span className="poster-name">{title.name}</span>
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
