import { useId, useRef } from 'react';
import { Link } from 'react-router-dom';
import { useQuery } from 'urql';
import { useSession } from '../auth/session';
import type { FeedQuery as FeedResult } from '../gql/graphql';
import { formError } from '../lib/errors';
import { PosterCard } from '../title/Poster';
import { FeedQuery } from './documents';
import { Hero } from './Hero';
import { useTitle } from '../app/title';
import './home.css';

type Row = FeedResult['feed']['rows'][number];

/** The rows a Kids home keeps: what the child started and saved, then genres. */
const KIDS_ROWS: ReadonlyArray<Row['kind']> = ['CONTINUE_WATCHING', 'MY_LIST', 'GENRE'];

export function HomePage() {
  useTitle('Home');
  const [{ data, fetching, error }] = useQuery({ query: FeedQuery, requestPolicy: 'cache-and-network' });
  const profile = useSession().me?.profile;
  const kids = profile?.kids ?? false;
  const rows = (data?.feed.rows ?? []).filter(
    (r) => (r.titles.edges ?? []).length > 0 && (!kids || KIDS_ROWS.includes(r.kind)),
  );
  return (
    <main className={`page home${kids ? ' kids-home' : ''}`}>
      {kids ? <h1>Hi, {profile?.name}!</h1> : <h1 className="visually-hidden">Home</h1>}
      <Hero />
      {error && !data && <p role="alert" className="alert">{formError(error)}</p>}
      {fetching && !data && <p className="muted" role="status">Loading…</p>}
      {data && rows.length === 0 && (
        <p className="muted">Nothing to watch yet. Titles appear here once they are ready.</p>
      )}
      {rows.map((row) => (
        <FeedRow key={row.slug} row={row} />
      ))}
    </main>
  );
}

function FeedRow({ row }: { row: Row }) {
  const headingId = useId();
  const list = useRef<HTMLUListElement>(null);
  const titles = (row.titles.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  const scroll = (dir: 1 | -1) => {
    const el = list.current;
    if (el) el.scrollBy({ left: dir * el.clientWidth * 0.9, behavior: 'smooth' });
  };
  return (
    <section className="feed-row" aria-labelledby={headingId}>
      <div className="feed-row-head">
        <h2 id={headingId}>
          <Link to={`/category/${row.slug}`}>{row.name}</Link>
        </h2>
        <div className="carousel-buttons">
          <button type="button" aria-label={`Scroll ${row.name} left`} onClick={() => scroll(-1)}>
            ‹
          </button>
          <button type="button" aria-label={`Scroll ${row.name} right`} onClick={() => scroll(1)}>
            ›
          </button>
        </div>
      </div>
      <ul className="carousel" ref={list} aria-label={row.name}>
        {titles.map((t) => (
          <li key={t.id}>
            <PosterCard title={t} showProgress={row.kind === 'CONTINUE_WATCHING'} />
          </li>
        ))}
      </ul>
    </section>
  );
}
