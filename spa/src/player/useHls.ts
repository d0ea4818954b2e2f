import Hls from 'hls.js';
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { hlsConfig, PLAYING_BUFFER_SECONDS, type HlsProfile } from './hlsConfig';
import type { Rung } from './quality';
import { pickSubtitleTrack, rememberSubtitles, rememberedSubtitles, type TextTrackInfo } from './subtitles';

interface HlsOptions {
  videoRef: RefObject<HTMLVideoElement | null>;
  manifestUrl: string;
  /** Where to start, in seconds; 0 from the beginning. */
  startPosition: number;
  profile: HlsProfile;
  /** Set once the first frame is showing; the tuned profile then buffers further ahead. */
  started: boolean;
}

const trackInfo = (t: { name: string; lang?: string; forced?: boolean }): TextTrackInfo => ({
  name: t.name,
  lang: t.lang ?? 'und',
  forced: Boolean(t.forced),
});

/**
 * Plays an HLS manifest in the video element: through hls.js where the browser has
 * Media Source Extensions, natively where it plays HLS itself (Safari). It keeps the
 * renditions hls.js found, the one showing and the one the viewer chose, and tears the
 * pipeline down with the page or when playback stops for good.
 */
export function useHls({ videoRef, manifestUrl, startPosition, profile, started }: HlsOptions) {
  const hlsRef = useRef<Hls | null>(null);
  const [levels, setLevels] = useState<Rung[]>([]);
  const [level, setLevel] = useState(-1);
  const [choice, setChoice] = useState(-1);
  const [stopped, setStopped] = useState<string | null>(null);
  const [subtitles, setSubtitles] = useState<TextTrackInfo[]>([]);
  const [subtitle, setSubtitle] = useState(-1);

  /** Stops playback for good, leaving a message for the viewer. */
  const stop = useCallback(
    (message: string) => {
      videoRef.current?.pause();
      hlsRef.current?.destroy();
      hlsRef.current = null;
      setStopped(message);
    },
    [videoRef],
  );

  useEffect(() => {
    const video = videoRef.current!;
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
      const hls = new Hls(hlsConfig(profile, startPosition));
      hlsRef.current = hls;
      let recovered = false;
      hls.on(Hls.Events.MANIFEST_PARSED, () => {
        setLevels(hls.levels.map((l) => ({ height: l.height, width: l.width, bitrate: l.bitrate })));
        play();
      });
      hls.on(Hls.Events.LEVEL_SWITCHED, (_e, d) => setLevel(d.level));
      hls.on(Hls.Events.SUBTITLE_TRACKS_UPDATED, (_e, d) => setSubtitles(d.subtitleTracks.map(trackInfo)));
      hls.on(Hls.Events.SUBTITLE_TRACK_SWITCH, (_e, d) => setSubtitle(hls.subtitleDisplay ? d.id : -1));
      hls.on(Hls.Events.ERROR, (_e, d) => {
        if (!d.fatal) return;
        if (d.type === Hls.ErrorTypes.MEDIA_ERROR && !recovered) {
          recovered = true;
          hls.recoverMediaError();
          return;
        }
        stop('Playback stopped: the video could not be loaded.');
      });
      hls.loadSource(manifestUrl);
      hls.attachMedia(video);
      return () => {
        hls.destroy();
        if (hlsRef.current === hls) hlsRef.current = null;
      };
    }
    if (video.canPlayType('application/vnd.apple.mpegurl')) {
      // Safari plays HLS itself and picks renditions on its own.
      const onMeta = () => {
        if (startPosition > 0) video.currentTime = startPosition;
        play();
      };
      video.addEventListener('loadedmetadata', onMeta, { once: true });
      video.src = manifestUrl;
      return () => {
        video.removeEventListener('loadedmetadata', onMeta);
        video.removeAttribute('src');
        video.load();
      };
    }
    setStopped('This browser cannot play this video.');
    return undefined;
  }, [profile, manifestUrl, startPosition, stop, videoRef]);

  // Once playing, the viewer's last choice of subtitle language is turned on, when this
  // video has it (before, hls.js may not have its text tracks yet); otherwise hls.js's own
  // choice stands, which shows FORCED tracks.
  const chosen = useRef(false);
  useEffect(() => {
    const hls = hlsRef.current;
    if (!started || !hls || chosen.current || subtitles.length === 0) return;
    chosen.current = true;
    const pick = pickSubtitleTrack(subtitles, rememberedSubtitles());
    if (pick >= 0) {
      hls.subtitleTrack = pick;
      hls.subtitleDisplay = true;
      setSubtitle(pick);
    }
  }, [started, subtitles]);

  // After the first frame the short start-up buffer has done its job.
  useEffect(() => {
    if (!started) return;
    const hls = hlsRef.current;
    if (hls && profile === 'tuned') hls.config.maxBufferLength = PLAYING_BUFFER_SECONDS;
  }, [started, profile]);

  const pickQuality = useCallback((value: number) => {
    setChoice(value);
    const hls = hlsRef.current;
    // currentLevel switches at once (flushing what was buffered at the old rung);
    // -1 hands the choice back to ABR.
    if (hls) hls.currentLevel = value;
  }, []);

  /** Shows subtitle track i (of subtitles), or none for -1, and remembers the language. */
  const pickSubtitle = useCallback(
    (i: number) => {
      const hls = hlsRef.current;
      if (!hls) return;
      if (i >= 0) hls.subtitleTrack = i;
      hls.subtitleDisplay = i >= 0;
      setSubtitle(i);
      rememberSubtitles(i >= 0 ? (subtitles[i]?.lang ?? null) : null);
    },
    [subtitles],
  );

  return { levels, level, choice, pickQuality, stopped, stop, subtitles, subtitle, pickSubtitle };
}
