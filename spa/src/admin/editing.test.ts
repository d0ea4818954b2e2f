import { describe, expect, it } from 'vitest';
import { clock, creditsInput, deletionSummary, markersInput, moveItem, parseList, rate } from './editing';

describe('admin editing helpers', () => {
  it('writes bitrates as people read them', () => {
    expect(rate(216_555)).toBe('217 kb/s');
    expect(rate(999_400)).toBe('999 kb/s');
    expect(rate(999_600)).toBe('1.0 Mb/s');
    expect(rate(2_765_000)).toBe('2.8 Mb/s');
  });

  it('reads comma-separated lists', () => {
    expect(parseList(' Drama, ,Comedy ,')).toEqual(['Drama', 'Comedy']);
  });

  it('moves credits up and down within the list', () => {
    expect(moveItem(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moveItem(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moveItem(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
    expect(moveItem(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'b', 'c']);
  });

  it('sends credits with names, characters only for the cast', () => {
    expect(
      creditsInput([
        { name: ' Amy Adams ', role: 'CAST', character: 'Louise' },
        { name: '', role: 'CAST', character: 'Nobody' },
        { name: 'Denis Villeneuve', role: 'DIRECTOR', character: 'ignored' },
      ]),
    ).toEqual([
      { name: 'Amy Adams', role: 'CAST', character: 'Louise' },
      { name: 'Denis Villeneuve', role: 'DIRECTOR', character: null },
    ]);
  });

  it('says what a deletion removes', () => {
    expect(deletionSummary({ kind: 'title', name: 'Slow Horses', seasons: 2, episodes: 8, videos: 8 })).toBe(
      'Delete Slow Horses? This removes 2 seasons, 8 episodes, 8 videos with their media and its artwork, credits, ratings and viewers’ progress. Anyone watching it is stopped. This cannot be undone.',
    );
    expect(deletionSummary({ kind: 'episode', name: 'Episode 1', videos: 1 })).toBe(
      'Delete Episode 1? This removes 1 video with their media and viewers’ progress in it. Anyone watching it is stopped. This cannot be undone.',
    );
    expect(deletionSummary({ kind: 'season', name: 'Season 2', episodes: 1 })).toContain('This removes 1 episode and viewers’ progress in it.');
  });

  it('turns marker fields into seconds, empty ones into null', () => {
    expect(markersInput({ introStart: '5', introEnd: '65.5', creditsStart: ' ' })).toEqual({ introStart: 5, introEnd: 65.5, creditsStart: null });
    expect(clock(65.4)).toBe('1:05');
  });
});
