import type { SearchFilter, TitleKind } from '../gql/graphql';

export interface SearchState {
  q: string;
  genre: string;
  yearFrom: string;
  yearTo: string;
  kind: '' | TitleKind;
}

export const EMPTY_SEARCH: SearchState = { q: '', genre: '', yearFrom: '', yearTo: '', kind: '' };

/** Reads the search screen's state from its URL, so results can be linked and reloaded. */
export function readSearch(params: URLSearchParams): SearchState {
  const kind = params.get('kind');
  return {
    q: params.get('q') ?? '',
    genre: params.get('genre') ?? '',
    yearFrom: params.get('from') ?? '',
    yearTo: params.get('to') ?? '',
    kind: kind === 'MOVIE' || kind === 'SERIES' ? kind : '',
  };
}

export function writeSearch(s: SearchState): URLSearchParams {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  if (s.genre) p.set('genre', s.genre);
  if (s.yearFrom) p.set('from', s.yearFrom);
  if (s.yearTo) p.set('to', s.yearTo);
  if (s.kind) p.set('kind', s.kind);
  return p;
}

function year(v: string): number | undefined {
  const n = Number(v);
  return v.trim() !== '' && Number.isInteger(n) && n > 0 ? n : undefined;
}

/** The API's filter for a state; null when nothing narrows the search. */
export function toFilter(s: SearchState): SearchFilter | null {
  const f: SearchFilter = {};
  if (s.genre) f.genre = s.genre;
  const from = year(s.yearFrom);
  const to = year(s.yearTo);
  if (from !== undefined) f.yearFrom = from;
  if (to !== undefined) f.yearTo = to;
  if (s.kind) f.kind = s.kind;
  return Object.keys(f).length ? f : null;
}
