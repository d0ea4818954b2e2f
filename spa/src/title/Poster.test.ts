import { describe, expect, it } from 'vitest';
import { episodeLabel } from './Poster';

describe('episodeLabel', () => {
  it('says season and episode the short way', () => {
    expect(episodeLabel({ number: 2, season: { number: 1 } })).toBe('S1:E2');
    expect(episodeLabel({ number: 10, season: { number: 0 } })).toBe('S0:E10');
  });
});
