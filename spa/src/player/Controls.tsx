import { useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { formatClock } from '../lib/format';
import { chapterAt, chapterLabel, type Chapter } from './markers';
import { qualityOptions, rungLabel, type Rung } from './quality';
import { CaptionStyleMenu } from './CaptionStyleMenu';
import type { CaptionStyle, TextTrackInfo } from './subtitles';
import type { AudioTrackInfo } from './audio';
import type { Beats } from './session';
import { SEEK_STEP_SECONDS } from './useShortcuts';
import { cueAt, type ThumbCue } from './vtt';
import { Icon } from './icons';
import { OptionMenu } from './OptionMenu';

export interface ControlsProps {
  playing: boolean;
  /** The playhead and the video's length, in seconds (0 while unknown). */
  time: number;
  duration: number;
  volume: number;
  muted: boolean;
  fullscreen: boolean;
  /** Seek thumbnails; empty until they have loaded or where the video has none. */
  cues: readonly ThumbCue[];
  /** The renditions, the one showing (-1 before the first) and the one chosen (-1 automatic). */
  levels: readonly Rung[];
  level: number;
  choice: number;
  /** The heartbeats so far; undefined until the first. */
  beat: Beats | undefined;
  /** The source's chapters, in order; none for most videos. */
  chapters?: readonly Chapter[];
  /** The subtitle tracks and the one showing (-1 none). */
  subtitles?: readonly TextTrackInfo[];
  subtitle?: number;
  onSubtitle?(track: number): void;
  /** The audio menu and the entry playing (-1 unknown); the menu shows with two or more. */
  audioTracks?: readonly AudioTrackInfo[];
  audio?: number;
  onAudio?(entry: number): void;
  /** How captions look, and a change to it. */
  captionStyle?: CaptionStyle;
  onCaptionStyle?(s: CaptionStyle): void;
  onToggle(): void;
  onSeek(seconds: number): void;
  onToggleMute(): void;
  onVolume(volume: number): void;
  onQuality(level: number): void;
  onToggleFullscreen(): void;
}

/** The control bar: seek with thumbnail previews, play, skip, sound, time, stream status, audio, subtitles, chapters, quality and full screen. */
export function Controls(p: ControlsProps) {
  const seekRef = useRef<HTMLDivElement>(null);
  const [hover, setHover] = useState<{ x: number; t: number } | null>(null);
  const { time, duration, levels, level, choice, beat } = p;

  const seekPointer = (e: ReactPointerEvent) => {
    const el = seekRef.current;
    if (!el || duration <= 0) return;
    const r = el.getBoundingClientRect();
    const x = Math.min(Math.max(0, e.clientX - r.left), r.width);
    setHover({ x, t: (x / r.width) * duration });
  };
  const preview = hover ? cueAt(p.cues, hover.t) : null;
  const options = qualityOptions(levels, level);
  const playingRung = levels[level];

  return (
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
          onChange={(e) => p.onSeek(Number(e.target.value))}
          style={{ ['--fill' as string]: `${duration > 0 ? (time / duration) * 100 : 0}%` }}
        />
      </div>
      <div className="controls-row">
        <button type="button" className="icon" onClick={p.onToggle} aria-label={p.playing ? 'Pause' : 'Play'}>
          <Icon name={p.playing ? 'pause' : 'play'} />
        </button>
        <button type="button" className="icon" onClick={() => p.onSeek(time - SEEK_STEP_SECONDS)} aria-label="Back 10 seconds">
          <Icon name="back10" />
        </button>
        <button type="button" className="icon" onClick={() => p.onSeek(time + SEEK_STEP_SECONDS)} aria-label="Forward 10 seconds">
          <Icon name="forward10" />
        </button>
        <button type="button" className="icon" onClick={p.onToggleMute} aria-label={p.muted ? 'Unmute' : 'Mute'}>
          <SpeakerIcon off={p.muted || p.volume === 0} />
        </button>
        <input
          type="range"
          className="volume"
          aria-label="Volume"
          min={0}
          max={1}
          step={0.05}
          value={p.muted ? 0 : p.volume}
          onChange={(e) => p.onVolume(Number(e.target.value))}
        />
        <span className="time">
          {formatClock(time)} / {formatClock(duration)}
        </span>
        <span className="spacer" />
        <p className="heartbeat" role="status" data-beats={beat?.count ?? 0} data-status={beat?.status ?? ''}>
          {beat ? streamsLabel(beat.activeStreams, beat.maxStreams) : 'Connecting…'}
        </p>
        {p.audioTracks && p.audioTracks.length > 1 && (
          <OptionMenu
            label="Audio"
            options={p.audioTracks.map((t, i) => ({ value: i, label: t.name }))}
            value={p.audio ?? -1}
            onChange={(i) => p.onAudio?.(i)}
          />
        )}
        {p.subtitles && p.subtitles.length > 0 && (
          <OptionMenu
            label="Subtitles"
            options={[{ value: -1, label: 'Off' }, ...p.subtitles.map((t, i) => ({ value: i, label: t.name }))]}
            value={p.subtitle ?? -1}
            onChange={(i) => p.onSubtitle?.(i)}
          />
        )}
        {p.subtitles && p.subtitles.length > 0 && p.captionStyle && p.onCaptionStyle && (
          <CaptionStyleMenu style={p.captionStyle} onChange={p.onCaptionStyle} />
        )}
        {p.chapters && p.chapters.length > 0 && (
          <OptionMenu
            label="Chapter"
            placeholder="Chapters"
            options={p.chapters.map((c, i) => ({ value: i, label: chapterLabel(c, i) }))}
            value={chapterAt(p.chapters, time)}
            onChange={(i) => p.onSeek(p.chapters![i]!.start)}
          />
        )}
        {levels.length > 0 && <OptionMenu label="Quality" options={options} value={choice} onChange={p.onQuality} />}
        {playingRung && choice !== -1 && level !== choice && <span className="muted">switching…</span>}
        <button
          type="button"
          className="icon"
          onClick={p.onToggleFullscreen}
          aria-label={p.fullscreen ? 'Exit full screen' : 'Full screen'}
        >
          <Icon name={p.fullscreen ? 'exitFullscreen' : 'fullscreen'} />
        </button>
      </div>
      {playingRung && <span className="visually-hidden playing-rung">Playing at {rungLabel(playingRung)}</span>}
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

/** The plan's screens in use, said quietly: "1 of 2 screens in use". */
export function streamsLabel(active: number, max: number): string {
  return `${active} of ${max} ${max === 1 ? 'screen' : 'screens'} in use`;
}
