import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { Controls } from './Controls';
import { hlsProfile, type HlsProfile } from './hlsConfig';
import { nextEpisode, skipButton } from './markers';
import { captionsTrack, loadCaptionStyle, rememberedSubtitles, saveCaptionStyle, type CaptionStyle } from './subtitles';
import { sessionHeading, type Session } from './session';
import { UpNextOverlay, type UpNextItem } from './UpNext';
import { useHls } from './useHls';
import { usePlaybackSession, useStartPlayback } from './usePlaybackSession';
import { useQoe } from './useQoe';
import { useShortcuts } from './useShortcuts';
import { useThumbnails } from './useThumbnails';
import { useVideoControls } from './useVideoControls';
import { useTitle } from '../app/title';
import './player.css';
import { Icon } from './icons';

export default function PlayerPage() {
  const { titleId = '' } = useParams();
  const [params] = useSearchParams();
  const episodeId = params.get('episode');
  const location = useLocation();
  const profile = hlsProfile(location.search);
  const { session, failure } = useStartPlayback(titleId, episodeId);

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

function Player({ session, profile }: { session: Session; profile: HlsProfile }) {
  const navigate = useNavigate();
  const videoRef = useRef<HTMLVideoElement>(null);
  const containerRef = useRef<HTMLDivElement>(null);

  const [playing, setPlaying] = useState(false);
  const [started, setStarted] = useState(false);
  const [time, setTime] = useState(session.resumePositionSeconds);
  const [duration, setDuration] = useState(0);
  const [volume, setVolume] = useState(1);
  const [muted, setMuted] = useState(false);
  const [idle, setIdle] = useState(false);
  const [buffering, setBuffering] = useState(false);
  const [upNextDismissed, setUpNextDismissed] = useState(false);
  const [captionStyle, setCaptionStyle] = useState<CaptionStyle>(loadCaptionStyle);
  const changeCaptionStyle = (c: CaptionStyle) => {
    setCaptionStyle(c);
    saveCaptionStyle(c);
  };

  const { levels, level, choice, pickQuality, stopped, stop, failure, subtitles, subtitle, pickSubtitle, audioTracks, audio, pickAudio } = useHls({
    videoRef,
    manifestUrl: session.manifestUrl,
    startPosition: session.resumePositionSeconds,
    profile,
    started,
  });
  const cues = useThumbnails(session.manifestUrl, started);
  useQoe({ videoRef, sessionId: session.id, height: levels[level]?.height, failure });
  const { beat, report, finish, end, upNext } = usePlaybackSession({ session, videoRef, playing, stopped, stop });

  const titleURL = `/title/${session.title.id}`;
  useTitle(session.episode ? `${session.title.name}: ${session.episode.name}` : session.title.name);
  const heading = sessionHeading(session);

  const exit = useCallback(() => {
    void finish();
    navigate(titleURL);
  }, [finish, navigate, titleURL]);

  const { fullscreen, toggle, seekTo, seekBy, toggleFullscreen, toggleMute, changeVolume, setVolumeTo } =
    useVideoControls(videoRef, containerRef, stopped !== null);
  const toggleCaptions = useCallback(
    // Forced subtitles showing on their own count as off.
    () => pickSubtitle(subtitle >= 0 && !subtitles[subtitle]?.forced ? -1 : captionsTrack(subtitles, rememberedSubtitles())),
    [pickSubtitle, subtitle, subtitles],
  );
  useShortcuts({ toggle, toggleFullscreen, toggleMute, seekBy, changeVolume, toggleCaptions, exit });

  useEffect(() => containerRef.current?.focus(), []);

  // Controls fade out while playing and the pointer rests.
  const idleTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const wake = useCallback(() => {
    setIdle(false);
    clearTimeout(idleTimer.current);
    idleTimer.current = setTimeout(() => setIdle(true), 3000);
  }, []);
  useEffect(() => () => clearTimeout(idleTimer.current), []);

  const play = (item: UpNextItem) =>
    navigate(`/watch/${item.titleId}${item.episodeId ? `?episode=${encodeURIComponent(item.episodeId)}` : ''}`);

  const next = nextEpisode(session.title.seasons, session.episode?.id);
  const skip = stopped || upNext ? null : skipButton(time, session, next !== null);
  const playNext = () => {
    void finish();
    play({ titleId: session.title.id, episodeId: next, name: '', reason: '', posterUrl: null });
  };

  return (
    <div
      ref={containerRef}
      className={`player${idle && playing ? ' idle' : ''}`}
      tabIndex={-1}
      onPointerMove={wake}
      data-level-height={levels[level]?.height ?? ''}
      data-hls-profile={profile}
    >
      <video
        ref={videoRef}
        className="player-video"
        data-cue-size={captionStyle.size}
        data-cue-color={captionStyle.color}
        data-cue-background={captionStyle.background}
        playsInline
        aria-label={heading}
        onClick={toggle}
        onPlay={() => setPlaying(true)}
        onPlaying={() => {
          setStarted(true);
          setBuffering(false);
        }}
        onWaiting={() => setBuffering(true)}
        onCanPlay={() => setBuffering(false)}
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
        onEnded={() => {
          setPlaying(false);
          void end();
        }}
      />

      {(buffering || !started) && (
        <div className="spinner" role="status">
          <span className="visually-hidden">Loading…</span>
        </div>
      )}

      <div className="player-top">
        <button type="button" className="icon" onClick={exit} aria-label={`Back to ${session.title.name}`}>
          <Icon name="back" />
        </button>
        <h1>{heading}</h1>
      </div>

      <Controls
        playing={playing}
        time={time}
        duration={duration}
        volume={volume}
        muted={muted}
        fullscreen={fullscreen}
        cues={cues}
        levels={levels}
        level={level}
        choice={choice}
        beat={beat}
        chapters={session.chapters}
        subtitles={subtitles}
        subtitle={subtitle}
        onSubtitle={pickSubtitle}
        audioTracks={audioTracks}
        audio={audio}
        onAudio={pickAudio}
        captionStyle={captionStyle}
        onCaptionStyle={changeCaptionStyle}
        onToggle={toggle}
        onSeek={seekTo}
        onToggleMute={toggleMute}
        onVolume={setVolumeTo}
        onQuality={pickQuality}
        onToggleFullscreen={toggleFullscreen}
      />

      {skip === 'skip-intro' && (
        <button type="button" className="player-skip" onClick={() => seekTo(session.introEnd ?? time)}>
          Skip intro
        </button>
      )}
      {skip === 'next-episode' && (
        <button type="button" className="player-skip primary" onClick={playNext}>
          Next episode
        </button>
      )}

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
      {upNext && !stopped && !upNextDismissed && (
        <UpNextOverlay items={upNext} onPlay={play} onClose={() => navigate(titleURL)} onDismiss={() => setUpNextDismissed(true)} />
      )}
    </div>
  );
}
