import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import { useDebouncedValue } from '../lib/debounce';
import { formError } from '../lib/errors';
import { PosterGrid, type PosterTitle } from '../title/Poster';
import { readSearch, toFilter, writeSearch, type SearchState } from './filters';
import { useTitle } from '../app/title';
import './search.css';

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

const SuggestionsQuery = graphql(`
  query SearchSuggestions {
    categories(first: 40) {
      edges {
        node {
          slug
          name
          kind
        }
      }
    }
    category(slug: "trending") {
      titles(first: 12) {
        edges {
          node {
            id
            name
            posterUrl
            minPlan
          }
        }
      }
    }
  }
`);

/**
 * What to try instead: the genres, and what is popular now. Shown before the viewer types,
 * and when a search finds nothing.
 */
function Suggestions({ empty }: { empty: boolean }) {
  const [{ data }] = useQuery({ query: SuggestionsQuery });
  const genres = (data?.categories.edges ?? []).flatMap((e) => (e.node.kind === 'GENRE' ? [e.node] : []));
  const popular = (data?.category?.titles.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  if (!data) return null;
  return (
    <section aria-label="Suggestions" className="suggestions">
      {empty && <p>Nothing matches. Check the spelling, or try one of these.</p>}
      {genres.length > 0 && (
        <>
          <h2>Browse by genre</h2>
          <ul className="chips">
            {genres.map((g) => (
              <li key={g.slug}>
                <Link className="chip" to={`/category/${g.slug}`}>
                  {g.name}
                </Link>
              </li>
            ))}
          </ul>
        </>
      )}
      {popular.length > 0 && (
        <>
          <h2>Popular now</h2>
          <PosterGrid titles={popular} />
        </>
      )}
    </section>
  );
}

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
      {(query === '' || result?.totalCount === 0) && <Suggestions empty={query !== ''} />}
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
