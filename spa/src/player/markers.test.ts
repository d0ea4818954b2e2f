import { describe, expect, it } from 'vitest';
import { chapterAt, chapterLabel, nextEpisode, skipButton } from './markers';

describe('skipButton', () => {
  const m = { introStart: 5, introEnd: 65, creditsStart: 1300 };

  it('offers Skip intro during the intro only', () => {
    expect(skipButton(4.9, m, true)).toBeNull();
    expect(skipButton(5, m, true)).toBe('skip-intro');
    expect(skipButton(64.9, m, true)).toBe('skip-intro');
    expect(skipButton(65, m, true)).toBeNull();
  });

  it('offers Next episode from the credits when there is one', () => {
    expect(skipButton(1299, m, true)).toBeNull();
    expect(skipButton(1300, m, true)).toBe('next-episode');
    expect(skipButton(1400, m, false)).toBeNull();
  });

  it('offers nothing without markers', () => {
    expect(skipButton(10, {}, true)).toBeNull();
    expect(skipButton(10, { introStart: 0, introEnd: null, creditsStart: null }, true)).toBeNull();
  });
});

describe('nextEpisode', () => {
  const ready = { status: 'READY' };
  const seasons = [
    { number: 2, episodes: [{ id: 'b1', number: 1, video: ready }] },
    {
      number: 1,
      episodes: [
        { id: 'a3', number: 3, video: ready },
        { id: 'a1', number: 1, video: ready },
        { id: 'a2', number: 2, video: { status: 'UNAVAILABLE' } },
      ],
    },
  ];

  it('goes to the next playable episode, across seasons', () => {
    expect(nextEpisode(seasons, 'a1')).toBe('a3');
    expect(nextEpisode(seasons, 'a3')).toBe('b1');
  });

  it('has none after the last, for an unknown episode or a movie', () => {
    expect(nextEpisode(seasons, 'b1')).toBeNull();
    expect(nextEpisode(seasons, 'zz')).toBeNull();
    expect(nextEpisode([], null)).toBeNull();
  });
});

describe('chapters', () => {
  const chapters = [
    { start: 0, end: 60, title: 'Cold open' },
    { start: 60, end: 600, title: '' },
  ];

  it('knows the chapter playing', () => {
    expect(chapterAt(chapters, 0)).toBe(0);
    expect(chapterAt(chapters, 59.9)).toBe(0);
    expect(chapterAt(chapters, 60)).toBe(1);
    expect(chapterAt([{ start: 5, end: 9, title: 'Late' }], 1)).toBe(-1);
  });

  it('names untitled chapters by number', () => {
    expect(chapters.map(chapterLabel)).toEqual(['Cold open', 'Chapter 2']);
  });
});
