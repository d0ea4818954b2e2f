import Hls from 'hls.js';
import { useCallback, useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { stringifyDocument, useClient, useSubscription } from 'urql';
import type { EndPlaybackMutation, StartPlaybackMutation as StartResult } from '../gql/graphql';
import { apiErrors, describeError } from '../lib/errors';
import { formatClock } from '../lib/format';
import { EndPlaybackMutation as EndDoc, HeartbeatSubscription, ReportProgressMutation, StartPlaybackMutation } from './documents';
import { hlsConfig, hlsProfile, PLAYING_BUFFER_SECONDS, type HlsProfile } from './hlsConfig';
import { progressReportPosition, REPORT_EVERY_MS } from './progress';
import { qualityOptions, rungLabel, type Rung } from './quality';
import { UpNextOverlay, type UpNextItem } from './UpNext';
import { cueAt, parseThumbnailVTT, thumbnailsURL, type ThumbCue } from './vtt';
import './player.css';

type Session = StartResult['startPlayback'];

export default function PlayerPage() {
  const { titleId = '' } = useParams();
  const [params] = useSearchParams();
  const episodeId = params.get('episode');
  const location = useLocation();
  const profile = hlsProfile(location.search);
  const client = useClient();
  const [session, setSession] = useState<Session | null>(null);
  const [failure, setFailure] = useState<{ code: string; message: string } | null>(null);

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
          if (s) void client.mutation(EndDoc, { sessionId: s.id }).toPromise();
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

  if (failure) {
    return (
      <main className="player-message">
        <h1>Can't play this right now</h1>
        <p role="alert">{failure.message}</p>
        <p className="player-message-actions">
          {(failure.code === 'SUBSCRIPTION_REQUIRED' || failure.code === 'PLAN_TOO_LOW') && (
            <Link className="button primary" to={`/plans?next=${encodeURIComponent(`/title/${titleId}`)}`}>
              See plans
            </Link>
          )}
          <Link className="button" to={`/title/${titleId}`}>
            Back to the title
          </Link>
        </p>
      </main>
    );
  }
  if (!session) {
    return (
      <div className="player-loading" role="status">
        Starting…
      </div>
    );
  }
  return <Player key={session.id} session={session} profile={profile} />;
}

interface Beats {
  count: number;
  status: string | null;
  activeStreams: number;
  maxStreams: number;
}

function Player({ session, profile }: { session: Session; profile: HlsProfile }) {
  const client = useClient();
  const navigate = useNavigate();
  const videoRef = useRef<HTMLVideoElement>(null);
  const containerRef = useRef<HTMLDivElement>(null);
  const seekRef = useRef<HTMLDivElement>(null);
  const hlsRef = useRef<Hls | null>(null);
  const endedRef = useRef(false);
  const lastReported = useRef(-1);

  const [playing, setPlaying] = useState(false);
  const [started, setStarted] = useState(false);
  const [time, setTime] = useState(session.resumePositionSeconds);
  const [duration, setDuration] = useState(0);
  const [volume, setVolume] = useState(1);
  const [muted, setMuted] = useState(false);
  const [fullscreen, setFullscreen] = useState(false);
  const [levels, setLevels] = useState<Rung[]>([]);
  const [level, setLevel] = useState(-1);
  const [choice, setChoice] = useState(-1);
  const [cues, setCues] = useState<ThumbCue[]>([]);
  const [hover, setHover] = useState<{ x: number; t: number } | null>(null);
  const [stopped, setStopped] = useState<string | null>(null);
  const [upNext, setUpNext] = useState<UpNextItem[] | null>(null);
  const [idle, setIdle] = useState(false);

  const titleURL = `/title/${session.title.id}`;
  const heading = session.episode
    ? `${session.title.name}: ${session.episode.number}. ${session.episode.name}`
    : session.title.name;

  const report = useCallback(() => {
    const v = videoRef.current;
    if (!v || endedRef.current) return;
    const pos = progressReportPosition(v.currentTime, v.duration);
    if (pos === null || pos === lastReported.current) return;
    lastReported.current = pos;
    void client.mutation(ReportProgressMutation, { input: { sessionId: session.id, positionSeconds: pos } }).toPromise();
  }, [client, session.id]);

  /** Saves the position and ends the session once; resolves to the suggestions. */
  const finish = useCallback(async (): Promise<UpNextItem[]> => {
    if (endedRef.current) return [];
    report();
    endedRef.current = true;
    const res = await client.mutation(EndDoc, { sessionId: session.id }).toPromise();
    return toUpNext(res.data);
  }, [client, report, session.id]);

  const stop = useCallback((message: string) => {
    const v = videoRef.current;
    v?.pause();
    hlsRef.current?.destroy();
    hlsRef.current = null;
    setStopped(message);
  }, []);

  // The media pipeline.
  useEffect(() => {
    const video = videoRef.current!;
    const start = session.resumePositionSeconds;
    const play = () => {
      video.play().catch((err: DOMException) => {
        // Browsers refuse sound without a gesture on some paths; start muted rather than not at all.
        if (err.name === 'NotAllowedError' && !video.muted) {
          video.muted = true;
          video.play().catch(() => undefined);
        }
      });
    };
    if (Hls.isSupported()) {
      const hls = new Hls(hlsConfig(profile, start));
      hlsRef.current = hls;
      let recovered = false;
      hls.on(Hls.Events.MANIFEST_PARSED, () => {
        setLevels(hls.levels.map((l) => ({ height: l.height, width: l.width, bitrate: l.bitrate })));
        play();
      });
      hls.on(Hls.Events.LEVEL_SWITCHED, (_e, d) => setLevel(d.level));
      hls.on(Hls.Events.ERROR, (_e, d) => {
        if (!d.fatal) return;
        if (d.type === Hls.ErrorTypes.MEDIA_ERROR && !recovered) {
          recovered = true;
          hls.recoverMediaError();
          return;
        }
        stop('Playback stopped: the video could not be loaded.');
      });
      hls.loadSource(session.manifestUrl);
      hls.attachMedia(video);
      return () => {
        hls.destroy();
        if (hlsRef.current === hls) hlsRef.current = null;
      };
    }
    if (video.canPlayType('application/vnd.apple.mpegurl')) {
      // Safari plays HLS itself and picks renditions on its own.
      const onMeta = () => {
        if (start > 0) video.currentTime = start;
        play();
      };
      video.addEventListener('loadedmetadata', onMeta, { once: true });
      video.src = session.manifestUrl;
      return () => {
        video.removeEventListener('loadedmetadata', onMeta);
        video.removeAttribute('src');
        video.load();
      };
    }
    setStopped('This browser cannot play this video.');
    return undefined;
  }, [profile, session.manifestUrl, session.resumePositionSeconds, stop]);

  // After the first frame: a full buffer, and the seek thumbnails (not needed before).
  useEffect(() => {
    if (!started) return;
    const hls = hlsRef.current;
    if (hls && profile === 'tuned') hls.config.maxBufferLength = PLAYING_BUFFER_SECONDS;
    const ctrl = new AbortController();
    const url = thumbnailsURL(session.manifestUrl, window.location.href);
    fetch(url, { signal: ctrl.signal })
      .then((r) => (r.ok ? r.text() : ''))
      .then((text) => setCues(parseThumbnailVTT(text, url)))
      .catch(() => undefined);
    return () => ctrl.abort();
  }, [started, profile, session.manifestUrl]);

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
      void send(stringifyDocument(EndDoc), { sessionId: session.id });
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
  }, [finish, session.id]);

  // Heartbeats keep the stream counted as live; the server's last one says why it stops.
  const [beats] = useSubscription<
    { playbackHeartbeat: { status: string; activeStreams: number; maxStreams: number } },
    Beats,
    { sessionId: string }
  >(
    { query: HeartbeatSubscription, variables: { sessionId: session.id }, pause: stopped !== null },
    (prev, data) => ({
      count: (prev?.count ?? 0) + 1,
      status: data.playbackHeartbeat.status,
      activeStreams: data.playbackHeartbeat.activeStreams,
      maxStreams: data.playbackHeartbeat.maxStreams,
    }),
  );
  const beat = beats.data;
  useEffect(() => {
    if (beat?.status === 'REVOKED') stop('Playback stopped: this session was signed out or your membership ended.');
    else if (beat?.status === 'EXPIRED') stop('Playback stopped: the connection to the server was lost for too long.');
  }, [beat?.status, stop]);
  useEffect(() => {
    const e = apiErrors(beats.error)[0];
    if (!e || endedRef.current) return;
    if (e.code === 'STREAM_LIMIT_REACHED') stop(describeError(e));
    else if (e.code === 'UNAUTHENTICATED' || e.code === 'NOT_FOUND') stop('Playback stopped: this session is no longer valid.');
  }, [beats.error, stop]);

  const exit = useCallback(() => {
    void finish();
    navigate(titleURL);
  }, [finish, navigate, titleURL]);

  const toggle = useCallback(() => {
    const v = videoRef.current;
    if (!v || stopped) return;
    if (v.paused) void v.play().catch(() => undefined);
    else v.pause();
  }, [stopped]);

  const seekTo = useCallback((t: number) => {
    const v = videoRef.current;
    if (!v || !Number.isFinite(v.duration)) return;
    v.currentTime = Math.min(Math.max(0, t), v.duration);
  }, []);

  const toggleFullscreen = useCallback(() => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void containerRef.current?.requestFullscreen().catch(() => undefined);
  }, []);

  const toggleMute = useCallback(() => {
    const v = videoRef.current;
    if (v) v.muted = !v.muted;
  }, []);

  const changeVolume = useCallback((delta: number) => {
    const v = videoRef.current;
    if (!v) return;
    v.volume = Math.min(1, Math.max(0, Math.round((v.volume + delta) * 20) / 20));
    if (v.volume > 0) v.muted = false;
  }, []);

  // Keyboard shortcuts, left to the focused control where it has a meaning for the key.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const el = e.target as HTMLElement;
      const tag = el.tagName;
      const typing = tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA';
      const control = typing || tag === 'BUTTON' || tag === 'A';
      switch (e.key) {
        case ' ':
          if (control) return;
          toggle();
          break;
        case 'f':
        case 'F':
          if (typing) return;
          toggleFullscreen();
          break;
        case 'm':
        case 'M':
          if (typing) return;
          toggleMute();
          break;
        case 'ArrowLeft':
        case 'ArrowRight':
          if (typing) return;
          seekTo((videoRef.current?.currentTime ?? 0) + (e.key === 'ArrowLeft' ? -10 : 10));
          break;
        case 'ArrowUp':
        case 'ArrowDown':
          if (typing) return;
          changeVolume(e.key === 'ArrowUp' ? 0.1 : -0.1);
          break;
        case 'Escape':
          if (document.fullscreenElement) return;
          exit();
          break;
        default:
          return;
      }
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [toggle, toggleFullscreen, toggleMute, seekTo, changeVolume, exit]);

  useEffect(() => {
    const onFs = () => setFullscreen(document.fullscreenElement === containerRef.current);
    document.addEventListener('fullscreenchange', onFs);
    return () => document.removeEventListener('fullscreenchange', onFs);
  }, []);

  useEffect(() => containerRef.current?.focus(), []);

  // Controls fade out while playing and the pointer rests.
  const idleTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const wake = useCallback(() => {
    setIdle(false);
    clearTimeout(idleTimer.current);
    idleTimer.current = setTimeout(() => setIdle(true), 3000);
  }, []);
  useEffect(() => () => clearTimeout(idleTimer.current), []);

  const onEnded = async () => {
    setPlaying(false);
    const items = await finish();
    setUpNext(items);
  };

  const pickQuality = (value: number) => {
    setChoice(value);
    const hls = hlsRef.current;
    // currentLevel switches at once (flushing what was buffered at the old rung);
    // -1 hands the choice back to ABR.
    if (hls) hls.currentLevel = value;
  };

  const seekPointer = (e: ReactPointerEvent) => {
    const el = seekRef.current;
    if (!el || duration <= 0) return;
    const r = el.getBoundingClientRect();
    const x = Math.min(Math.max(0, e.clientX - r.left), r.width);
    setHover({ x, t: (x / r.width) * duration });
  };
  const preview = hover ? cueAt(cues, hover.t) : null;
  const options = qualityOptions(levels, level);
  const playingRung = levels[level];

  return (
    <div
      ref={containerRef}
      className={`player${idle && playing ? ' idle' : ''}`}
      tabIndex={-1}
      onPointerMove={wake}
      data-level-height={playingRung?.height ?? ''}
      data-hls-profile={profile}
    >
      <video
        ref={videoRef}
        className="player-video"
        playsInline
        aria-label={heading}
        onClick={toggle}
        onPlay={() => setPlaying(true)}
        onPlaying={() => setStarted(true)}
        onPause={() => {
          setPlaying(false);
          report();
        }}
        onTimeUpdate={(e) => setTime(e.currentTarget.currentTime)}
        onDurationChange={(e) => setDuration(Number.isFinite(e.currentTarget.duration) ? e.currentTarget.duration : 0)}
        onVolumeChange={(e) => {
          setVolume(e.currentTarget.volume);
          setMuted(e.currentTarget.muted);
        }}
        onEnded={onEnded}
      />

      <div className="player-top">
        <button type="button" className="icon" onClick={exit} aria-label={`Back to ${session.title.name}`}>
          ←
        </button>
        <h1>{heading}</h1>
      </div>

      <div className="player-controls">
        <div className="seek" ref={seekRef} onPointerMove={seekPointer} onPointerLeave={() => setHover(null)}>
          {hover && (
            <div className="seek-preview" style={{ left: hover.x }} aria-hidden="true">
              {preview && (
                <div
                  className="seek-thumb"
                  style={{
                    width: preview.w,
                    height: preview.h,
                    backgroundImage: `url("${preview.url}")`,
                    backgroundPosition: `-${preview.x}px -${preview.y}px`,
                  }}
                />
              )}
              <span>{formatClock(hover.t)}</span>
            </div>
          )}
          <input
            type="range"
            aria-label="Seek"
            min={0}
            max={duration || 0}
            step="any"
            value={Math.min(time, duration || 0)}
            aria-valuetext={`${formatClock(time)} of ${formatClock(duration)}`}
            onChange={(e) => seekTo(Number(e.target.value))}
            style={{ ['--fill' as string]: `${duration > 0 ? (time / duration) * 100 : 0}%` }}
          />
        </div>
        <div className="controls-row">
          <button type="button" className="icon" onClick={toggle} aria-label={playing ? 'Pause' : 'Play'}>
            {playing ? '❚❚' : '▶'}
          </button>
          <button type="button" className="icon" onClick={() => seekTo(time - 10)} aria-label="Back 10 seconds">
            ↺
          </button>
          <button type="button" className="icon" onClick={() => seekTo(time + 10)} aria-label="Forward 10 seconds">
            ↻
          </button>
          <button type="button" className="icon" onClick={toggleMute} aria-label={muted ? 'Unmute' : 'Mute'}>
            <SpeakerIcon off={muted || volume === 0} />
          </button>
          <input
            type="range"
            className="volume"
            aria-label="Volume"
            min={0}
            max={1}
            step={0.05}
            value={muted ? 0 : volume}
            onChange={(e) => {
              const v = videoRef.current;
              if (!v) return;
              v.volume = Number(e.target.value);
              v.muted = v.volume === 0;
            }}
          />
          <span className="time">
            {formatClock(time)} / {formatClock(duration)}
          </span>
          <span className="spacer" />
          <p className="heartbeat" role="status" data-beats={beat?.count ?? 0} data-status={beat?.status ?? ''}>
            {beat ? `Live · ${beat.activeStreams} of ${beat.maxStreams} streams` : 'Connecting…'}
          </p>
          {levels.length > 0 && (
            <select aria-label="Quality" value={choice} onChange={(e) => pickQuality(Number(e.target.value))}>
              {options.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          )}
          {playingRung && choice !== -1 && level !== choice && <span className="muted">switching…</span>}
          <button type="button" className="icon" onClick={toggleFullscreen} aria-label={fullscreen ? 'Exit full screen' : 'Full screen'}>
            {fullscreen ? '⤡' : '⤢'}
          </button>
        </div>
        {playingRung && <span className="visually-hidden">Playing at {rungLabel(playingRung)}</span>}
      </div>

      {stopped && (
        <div className="player-overlay">
          <div className="overlay-card">
            <p role="alert">{stopped}</p>
            <button type="button" className="primary" onClick={exit}>
              Back to {session.title.name}
            </button>
          </div>
        </div>
      )}
      {upNext && !stopped && (
        <UpNextOverlay
          items={upNext}
          onPlay={(item) => navigate(`/watch/${item.titleId}${item.episodeId ? `?episode=${encodeURIComponent(item.episodeId)}` : ''}`)}
          onClose={() => navigate(titleURL)}
        />
      )}
    </div>
  );
}

function SpeakerIcon({ off }: { off: boolean }) {
  return (
    <svg width="20" height="20" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2">
      <path d="M4 9h4l5-4v14l-5-4H4z" fill="currentColor" />
      {off ? <path d="M17 9l5 6M22 9l-5 6" /> : <path d="M16.5 8.5a5 5 0 0 1 0 7M19 6a8.5 8.5 0 0 1 0 12" />}
    </svg>
  );
}

function toUpNext(data: EndPlaybackMutation | undefined): UpNextItem[] {
  return (data?.endPlayback ?? []).map((u) => ({
    titleId: u.title.id,
    episodeId: u.episode?.id ?? null,
    name: u.episode ? `${u.title.name}: ${u.episode.number}. ${u.episode.name}` : u.title.name,
    reason: u.reason,
    posterUrl: u.title.posterUrl ?? null,
  }));
}
