import { describe, expect, it } from 'vitest';
import { countBeat, heartbeatStop, sessionHeading, subscriptionStop, toUpNext } from './session';

const beat = (status: string, activeStreams = 1, maxStreams = 2) => ({ playbackHeartbeat: { status, activeStreams, maxStreams } });

describe('heartbeats', () => {
  it('counts them and keeps what the last one said', () => {
    const first = countBeat(undefined, beat('ACTIVE'));
    expect(first).toEqual({ count: 1, status: 'ACTIVE', activeStreams: 1, maxStreams: 2 });
    expect(countBeat(first, beat('REVOKED', 2, 4))).toEqual({ count: 2, status: 'REVOKED', activeStreams: 2, maxStreams: 4 });
  });

  it('stops playback only on a status that ends the session', () => {
    const cases: Array<[string | null | undefined, RegExp | null]> = [
      [undefined, null],
      [null, null],
      ['ACTIVE', null],
      ['REVOKED', /signed out or your membership ended/],
      ['EXPIRED', /connection to the server was lost/],
    ];
    for (const [status, want] of cases) {
      const got = heartbeatStop(status);
      if (want === null) expect(got, String(status)).toBeNull();
      else expect(got, String(status)).toMatch(want);
    }
  });

  it('stops playback on subscription errors that mean the stream no longer counts', () => {
    const err = (code: string) => ({ code, message: `server says ${code}`, extensions: {} });
    expect(subscriptionStop(undefined)).toBeNull();
    expect(subscriptionStop(err('STREAM_LIMIT_REACHED'))).toMatch(/Too many streams/);
    expect(subscriptionStop(err('UNAUTHENTICATED'))).toBe('Playback stopped: this session is no longer valid.');
    expect(subscriptionStop(err('NOT_FOUND'))).toBe('Playback stopped: this session is no longer valid.');
    // A dropped connection is retried by the client rather than ending playback.
    expect(subscriptionStop(err('NETWORK'))).toBeNull();
    expect(subscriptionStop(err('INTERNAL'))).toBeNull();
  });
});

describe('session names and up next', () => {
  const title = { id: 't1', name: 'Big Buck Bunny', posterUrl: null };

  it('names an episode after its show, a film by its title', () => {
    expect(sessionHeading({ title, episode: null })).toBe('Big Buck Bunny');
    expect(sessionHeading({ title, episode: { number: 2, name: 'The Meadow' } })).toBe('Big Buck Bunny: 2. The Meadow');
  });

  it('turns endPlayback suggestions into up-next items, in order', () => {
    const items = toUpNext({
      endPlayback: [
        { reason: 'Next episode', title, episode: { id: 'e3', number: 3, name: 'The Forest' } },
        { reason: 'Because you watched Big Buck Bunny', title: { id: 't2', name: 'Sintel', posterUrl: '/p/t2.jpg' }, episode: null },
      ],
    });
    expect(items).toEqual([
      { titleId: 't1', episodeId: 'e3', name: 'Big Buck Bunny: 3. The Forest', reason: 'Next episode', posterUrl: null },
      { titleId: 't2', episodeId: null, name: 'Sintel', reason: 'Because you watched Big Buck Bunny', posterUrl: '/p/t2.jpg' },
    ]);
    expect(toUpNext(undefined)).toEqual([]);
  });
});
