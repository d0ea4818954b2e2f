import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import { useDebouncedValue } from '../lib/debounce';
import { formError } from '../lib/errors';
import { PosterGrid, type PosterTitle } from '../title/Poster';
import { readSearch, toFilter, writeSearch, type SearchState } from './filters';
import './search.css';
import { useTitle } from '../app/title';

const SearchQuery = graphql(`
  query Search($query: String!, $first: Int!, $after: Cursor, $filter: SearchFilter) {
    search(query: $query, first: $first, after: $after, filter: $filter) {
      totalCount
      genreFacets {
        slug
        name
        count
      }
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          name
          year
          kind
          posterUrl
          minPlan
        }
      }
    }
  }
`);

/** How long typing must pause before a search goes out. */
export const SEARCH_DEBOUNCE_MS = 250;
const PAGE_SIZE = 24;

export function SearchPage() {
  useTitle('Search');
  const [params, setParams] = useSearchParams();
  const state = readSearch(params);
  const update = (patch: Partial<SearchState>) => setParams(writeSearch({ ...state, ...patch }), { replace: true });
  const settled = useDebouncedValue(state, SEARCH_DEBOUNCE_MS);
  const [first, setFirst] = useState(PAGE_SIZE);
  const query = settled.q.trim();
  const filter = toFilter(settled);

  const [{ data, fetching, error }] = useQuery({
    query: SearchQuery,
    variables: { query, first, filter },
    pause: query === '',
  });
  const result = query === '' ? null : data?.search;
  const titles: PosterTitle[] = (result?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));

  return (
    <main className="page">
      <h1>Search</h1>
      <form role="search" className="search-form" onSubmit={(e) => e.preventDefault()}>
        <div className="field search-box">
          <label htmlFor="search-q">Search titles</label>
          <input
            id="search-q"
            type="search"
            autoFocus
            placeholder="Titles, genres, people"
            value={state.q}
            onChange={(e) => {
              setFirst(PAGE_SIZE);
              update({ q: e.target.value });
            }}
          />
        </div>
        <div className="filters">
          <div className="field">
            <label htmlFor="search-kind">Kind</label>
            <select id="search-kind" value={state.kind} onChange={(e) => update({ kind: e.target.value as SearchState['kind'] })}>
              <option value="">Movies and series</option>
              <option value="MOVIE">Movies</option>
              <option value="SERIES">Series</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="search-from">From year</label>
            <input id="search-from" type="number" inputMode="numeric" min={1880} max={2100} value={state.yearFrom} onChange={(e) => update({ yearFrom: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor="search-to">To year</label>
            <input id="search-to" type="number" inputMode="numeric" min={1880} max={2100} value={state.yearTo} onChange={(e) => update({ yearTo: e.target.value })} />
          </div>
        </div>
      </form>

      {result && (result.genreFacets.length > 0 || state.genre) && (
        <section aria-label="Genres" className="facets">
          <ul className="chips">
            {state.genre && !result.genreFacets.some((g) => g.slug === state.genre) && (
              <li>
                <button type="button" className="chip" aria-pressed="true" onClick={() => update({ genre: '' })}>
                  {state.genre}
                </button>
              </li>
            )}
            {result.genreFacets.map((g) => (
              <li key={g.slug}>
                <button
                  type="button"
                  className="chip"
                  aria-pressed={state.genre === g.slug}
                  onClick={() => update({ genre: state.genre === g.slug ? '' : g.slug })}
                >
                  {g.name} <span className="muted">({g.count})</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}

      <div aria-live="polite" className="search-status">
        {error && <p role="alert" className="alert">{formError(error)}</p>}
        {result && <p className="muted">{result.totalCount === 1 ? '1 result' : `${result.totalCount} results`}</p>}
        {!result && fetching && <p className="muted">Searching…</p>}
      </div>
      {titles.length > 0 && (
        <section aria-label="Results">
          <PosterGrid titles={titles} />
        </section>
      )}
      {result?.pageInfo.hasNextPage && (
        <p className="more">
          <button type="button" onClick={() => setFirst(first + PAGE_SIZE)} disabled={fetching}>
            Show more
          </button>
        </p>
      )}
    </main>
  );
}
