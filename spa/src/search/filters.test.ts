import { describe, expect, it } from 'vitest';
import { EMPTY_SEARCH, readSearch, toFilter, writeSearch } from './filters';

describe('search filters', () => {
  it('round-trips through the URL', () => {
    const s = { q: 'night shift', genre: 'sci-fi', yearFrom: '1990', yearTo: '2000', kind: 'SERIES' as const };
    expect(readSearch(writeSearch(s))).toEqual(s);
    expect(writeSearch(EMPTY_SEARCH).toString()).toBe('');
  });

  it('ignores an unknown kind', () => {
    expect(readSearch(new URLSearchParams('kind=PODCAST')).kind).toBe('');
  });

  it('sends only the filters that narrow', () => {
    expect(toFilter(EMPTY_SEARCH)).toBeNull();
    expect(toFilter({ ...EMPTY_SEARCH, yearFrom: '1999', yearTo: 'abc', genre: 'drama' })).toEqual({ yearFrom: 1999, genre: 'drama' });
    expect(toFilter({ ...EMPTY_SEARCH, kind: 'MOVIE' })).toEqual({ kind: 'MOVIE' });
  });
});
