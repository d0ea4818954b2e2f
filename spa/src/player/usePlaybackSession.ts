import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { stringifyDocument, useClient, useSubscription } from 'urql';
import { apiErrors, describeError } from '../lib/errors';
import { EndPlaybackMutation, HeartbeatSubscription, ReportProgressMutation, StartPlaybackMutation } from './documents';
import { progressReportPosition, REPORT_EVERY_MS } from './progress';
import { countBeat, heartbeatStop, subscriptionStop, toUpNext, type Beats, type Heartbeat, type Session } from './session';
import type { UpNextItem } from './UpNext';

/** Why a session could not open: the contract's code decides what the page offers next. */
export interface StartFailure {
  code: string;
  message: string;
}

/**
 * Opens a playback session for a title or episode; a new one whenever they change.
 * A session that opens after the page went away is closed again at once.
 */
export function useStartPlayback(titleId: string, episodeId: string | null) {
  const client = useClient();
  const [session, setSession] = useState<Session | null>(null);
  const [failure, setFailure] = useState<StartFailure | null>(null);

  useEffect(() => {
    let cancelled = false;
    setSession(null);
    setFailure(null);
    client
      .mutation(StartPlaybackMutation, { input: { titleId, episodeId } }, { requestPolicy: 'network-only' })
      .toPromise()
      .then((res) => {
        const s = res.data?.startPlayback;
        if (cancelled) {
          // The page went away while the session was opening: close it so it does not
          // count against the viewer's streams.
          if (s) void client.mutation(EndPlaybackMutation, { sessionId: s.id }).toPromise();
          return;
        }
        if (s) setSession(s);
        else {
          const e = apiErrors(res.error)[0];
          setFailure({ code: e?.code ?? 'INTERNAL', message: e ? describeError(e) : 'Playback could not start.' });
        }
      });
    return () => {
      cancelled = true;
    };
  }, [client, titleId, episodeId]);

  return { session, failure };
}

interface SessionOptions {
  session: Session;
  videoRef: RefObject<HTMLVideoElement | null>;
  /** Whether the video is playing; progress is saved on a timer only then. */
  playing: boolean;
  /** Set once playback has stopped for good; the heartbeats stop with it. */
  stopped: string | null;
  /** Stops playback with a message for the viewer. */
  stop(message: string): void;
}

/**
 * Keeps an open session in step with the server: saves the position while playing,
 * holds the heartbeat subscription that keeps the stream counted, stops playback when
 * the server ends the session, and ends it (once) when the video ends or the page goes.
 */
export function usePlaybackSession({ session, videoRef, playing, stopped, stop }: SessionOptions) {
  const client = useClient();
  const endedRef = useRef(false);
  const lastReported = useRef(-1);
  const [upNext, setUpNext] = useState<UpNextItem[] | null>(null);

  const report = useCallback(() => {
    const v = videoRef.current;
    if (!v || endedRef.current) return;
    const pos = progressReportPosition(v.currentTime, v.duration);
    if (pos === null || pos === lastReported.current) return;
    lastReported.current = pos;
    void client.mutation(ReportProgressMutation, { input: { sessionId: session.id, positionSeconds: pos } }).toPromise();
  }, [client, session.id, videoRef]);

  /** Saves the position and ends the session once; resolves to the suggestions. */
  const finish = useCallback(async (): Promise<UpNextItem[]> => {
    if (endedRef.current) return [];
    report();
    endedRef.current = true;
    const res = await client.mutation(EndPlaybackMutation, { sessionId: session.id }).toPromise();
    return toUpNext(res.data);
  }, [client, report, session.id]);

  /** The video reached its end: close the session and offer what comes next. */
  const end = useCallback(async () => {
    const items = await finish();
    setUpNext(items);
  }, [finish]);

  // Progress every few seconds while playing.
  useEffect(() => {
    if (!playing) return;
    const t = setInterval(report, REPORT_EVERY_MS);
    return () => clearInterval(t);
  }, [playing, report]);

  // Leaving the page ends the session; closing the tab too, with a request that outlives it.
  const mounted = useRef(false);
  useEffect(() => {
    mounted.current = true;
    const onHide = () => {
      if (endedRef.current) return;
      const v = videoRef.current;
      const pos = v ? progressReportPosition(v.currentTime, v.duration) : null;
      endedRef.current = true;
      const send = (query: string, variables: object) =>
        fetch('/graphql', {
          method: 'POST',
          keepalive: true,
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ query, variables }),
        }).catch(() => undefined);
      if (pos !== null) void send(stringifyDocument(ReportProgressMutation), { input: { sessionId: session.id, positionSeconds: pos } });
      void send(stringifyDocument(EndPlaybackMutation), { sessionId: session.id });
    };
    window.addEventListener('pagehide', onHide);
    return () => {
      mounted.current = false;
      window.removeEventListener('pagehide', onHide);
      // Deferred a tick: React's development mode unmounts and remounts every effect
      // once, and that must not end the session.
      setTimeout(() => {
        if (!mounted.current) void finish();
      }, 0);
    };
  }, [finish, session.id, videoRef]);

  // Heartbeats keep the stream counted as live; the server's last one says why it stops.
  const [beats] = useSubscription<Heartbeat, Beats, { sessionId: string }>(
    { query: HeartbeatSubscription, variables: { sessionId: session.id }, pause: stopped !== null },
    countBeat,
  );
  const beat = beats.data;
  useEffect(() => {
    const message = heartbeatStop(beat?.status);
    if (message) stop(message);
  }, [beat?.status, stop]);
  useEffect(() => {
    if (endedRef.current) return;
    const message = subscriptionStop(apiErrors(beats.error)[0]);
    if (message) stop(message);
  }, [beats.error, stop]);

  return { beat, report, finish, end, upNext };
}
