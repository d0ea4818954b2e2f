import type { EndPlaybackMutation, StartPlaybackMutation } from '../gql/graphql';
import { describeError, type ApiError } from '../lib/errors';
import type { UpNextItem } from './UpNext';

/** An open playback session as startPlayback returns it. */
export type Session = StartPlaybackMutation['startPlayback'];

/** One heartbeat as the subscription delivers it. */
export interface Heartbeat {
  playbackHeartbeat: { status: string; activeStreams: number; maxStreams: number };
}

/** What the player keeps of the heartbeats: how many came, and what the last one said. */
export interface Beats {
  count: number;
  status: string | null;
  activeStreams: number;
  maxStreams: number;
}

/** Folds one heartbeat into the running tally; the count is what the page exposes for checks. */
export function countBeat(prev: Beats | undefined, data: Heartbeat): Beats {
  return {
    count: (prev?.count ?? 0) + 1,
    status: data.playbackHeartbeat.status,
    activeStreams: data.playbackHeartbeat.activeStreams,
    maxStreams: data.playbackHeartbeat.maxStreams,
  };
}

/**
 * The message to stop on when the server's last heartbeat ends the session, or null
 * while it is live: a revoked session lost its login or membership, an expired one
 * missed its heartbeats for too long.
 */
export function heartbeatStop(status: string | null | undefined): string | null {
  switch (status) {
    case 'REVOKED':
      return 'Playback stopped: this session was signed out or your membership ended.';
    case 'EXPIRED':
      return 'Playback stopped: the connection to the server was lost for too long.';
    default:
      return null;
  }
}

/**
 * The message to stop on when the heartbeat subscription fails, or null to keep
 * playing: only errors that mean the session can no longer count as a stream stop
 * it; anything else (a dropped socket) is left to the client to reconnect.
 */
export function subscriptionStop(e: ApiError | undefined): string | null {
  if (!e) return null;
  if (e.code === 'STREAM_LIMIT_REACHED') return describeError(e);
  if (e.code === 'UNAUTHENTICATED' || e.code === 'NOT_FOUND') return 'Playback stopped: this session is no longer valid.';
  return null;
}

/** The heading for a session: the title, and the episode's number and name when there is one. */
export function sessionHeading(s: {
  title: { name: string };
  episode?: { number: number; name: string } | null;
}): string {
  return s.episode ? `${s.title.name}: ${s.episode.number}. ${s.episode.name}` : s.title.name;
}

/** The suggestions endPlayback returns, as the up-next overlay shows them. */
export function toUpNext(data: EndPlaybackMutation | undefined): UpNextItem[] {
  return (data?.endPlayback ?? []).map((u) => ({
    titleId: u.title.id,
    episodeId: u.episode?.id ?? null,
    name: sessionHeading(u),
    reason: u.reason,
    posterUrl: u.title.posterUrl ?? null,
  }));
}
