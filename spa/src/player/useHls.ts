import Hls from 'hls.js';
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { createHls, PLAYING_BUFFER_SECONDS, type HlsProfile } from './hlsConfig';
import type { Rung } from './quality';
import { pickSubtitleTrack, rememberSubtitles, rememberedSubtitles, type TextTrackInfo } from './subtitles';
import {
  audioEntry,
  audioMenu,
  forcedTrack,
  pickAudioTrack,
  rememberAudio,
  rememberedAudio,
  type AudioSource,
  type AudioTrackInfo,
} from './audio';

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

/** Safari's audio tracks, which TypeScript's DOM types leave out. */
interface NativeAudioTrack {
  label: string;
  language: string;
  enabled: boolean;
}
interface NativeAudioTracks extends EventTarget {
  readonly length: number;
  [index: number]: NativeAudioTrack;
}

/** Safari's text tracks from an HLS master: subtitles, captions and forced subtitles. */
const nativeTextTracks = (video: HTMLVideoElement) =>
  Array.from(video.textTracks).filter((t) => ['subtitles', 'captions', 'forced'].includes(t.kind as string));

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
  /** The player error that stopped playback ("networkError: manifestLoadError"), for the telemetry. */
  const [failure, setFailure] = useState<string | null>(null);
  const [subtitles, setSubtitles] = useState<TextTrackInfo[]>([]);
  const [subtitle, setSubtitle] = useState(-1);
  const [audioTracks, setAudioTracks] = useState<AudioTrackInfo[]>([]);
  /** The player's id of the audio track playing (hls.js's, or the native list's index). */
  const [audioId, setAudioId] = useState(-1);
  /** Set while the subtitles showing are the player's choice (forced ones, or none), not the viewer's. */
  const autoSubtitle = useRef(true);

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
      const hls = createHls(profile, startPosition);
      hlsRef.current = hls;
      let recovered = false;
      hls.on(Hls.Events.MANIFEST_PARSED, () => {
        setLevels(hls.levels.map((l) => ({ height: l.height, width: l.width, bitrate: l.bitrate })));
        play();
      });
      hls.on(Hls.Events.LEVEL_SWITCHED, (_e, d) => setLevel(d.level));
      hls.on(Hls.Events.SUBTITLE_TRACKS_UPDATED, (_e, d) => setSubtitles(d.subtitleTracks.map(trackInfo)));
      hls.on(Hls.Events.SUBTITLE_TRACK_SWITCH, (_e, d) => setSubtitle(hls.subtitleDisplay ? d.id : -1));
      hls.on(Hls.Events.AUDIO_TRACKS_UPDATED, (_e, d) =>
        setAudioTracks(audioMenu(d.audioTracks.map((t): AudioSource => ({ ...t, channels: t.channels ?? t.attrs.CHANNELS })))),
      );
      hls.on(Hls.Events.AUDIO_TRACK_SWITCHING, (_e, d) => setAudioId(d.id));
      hls.on(Hls.Events.ERROR, (_e, d) => {
        if (!d.fatal) return;
        if (d.type === Hls.ErrorTypes.MEDIA_ERROR && !recovered) {
          recovered = true;
          hls.recoverMediaError();
          return;
        }
        setFailure(`${d.type}: ${d.details}`);
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
      // Safari plays HLS itself and picks renditions on its own; its audio and text tracks
      // feed the same menus.
      const onMeta = () => {
        if (startPosition > 0) video.currentTime = startPosition;
        play();
      };
      const audio = (video as HTMLVideoElement & { audioTracks?: NativeAudioTracks }).audioTracks;
      const syncAudio = () => {
        if (!audio) return;
        const list = Array.from({ length: audio.length }, (_, i) => audio[i]!);
        setAudioTracks(audioMenu(list.map((t, i) => ({ id: i, name: t.label || t.language, lang: t.language || 'und' }))));
        setAudioId(list.findIndex((t) => t.enabled));
      };
      const syncText = () => {
        const list = nativeTextTracks(video);
        setSubtitles(list.map((t) => ({ name: t.label || t.language, lang: t.language || 'und', forced: (t.kind as string) === 'forced' })));
        setSubtitle(list.findIndex((t) => t.mode === 'showing'));
      };
      audio?.addEventListener('addtrack', syncAudio);
      audio?.addEventListener('change', syncAudio);
      video.textTracks.addEventListener('addtrack', syncText);
      video.textTracks.addEventListener('change', syncText);
      video.addEventListener('loadedmetadata', onMeta, { once: true });
      video.src = manifestUrl;
      return () => {
        audio?.removeEventListener('addtrack', syncAudio);
        audio?.removeEventListener('change', syncAudio);
        video.textTracks.removeEventListener('addtrack', syncText);
        video.textTracks.removeEventListener('change', syncText);
        video.removeEventListener('loadedmetadata', onMeta);
        video.removeAttribute('src');
        video.load();
      };
    }
    setStopped('This browser cannot play this video.');
    return undefined;
  }, [profile, manifestUrl, startPosition, stop, videoRef]);

  /** Shows subtitle track i (of subtitles), or none for -1. */
  const showSubtitle = useCallback(
    (i: number) => {
      const hls = hlsRef.current;
      if (hls) {
        if (i >= 0) hls.subtitleTrack = i;
        hls.subtitleDisplay = i >= 0;
      } else if (videoRef.current) {
        nativeTextTracks(videoRef.current).forEach((t, j) => (t.mode = j === i ? 'showing' : 'disabled'));
      }
      setSubtitle(i);
    },
    [videoRef],
  );

  /** Plays the audio menu's entry. */
  const playAudio = useCallback(
    (entry: number) => {
      const id = audioTracks[entry]?.ids[0];
      if (id === undefined) return;
      const hls = hlsRef.current;
      const native = (videoRef.current as (HTMLVideoElement & { audioTracks?: NativeAudioTracks }) | null)?.audioTracks;
      if (hls) hls.audioTrack = id;
      else if (native) for (let j = 0; j < native.length; j++) native[j]!.enabled = j === id;
      setAudioId(id);
    },
    [audioTracks, videoRef],
  );

  // Once playing (before, hls.js may not have its tracks yet), the viewer's last choices of
  // audio and subtitle language are taken up where this video has them.
  const audioChosen = useRef(false);
  useEffect(() => {
    if (!started || audioChosen.current || audioTracks.length === 0) return;
    audioChosen.current = true;
    const pick = pickAudioTrack(audioTracks, rememberedAudio());
    if (pick >= 0 && !audioTracks[pick]!.ids.includes(audioId)) playAudio(pick);
  }, [started, audioTracks, audioId, playAudio]);
  const chosen = useRef(false);
  useEffect(() => {
    if (!started || chosen.current || subtitles.length === 0) return;
    chosen.current = true;
    const pick = pickSubtitleTrack(subtitles, rememberedSubtitles());
    if (pick >= 0) {
      autoSubtitle.current = false;
      showSubtitle(pick);
    }
  }, [started, subtitles, showSubtitle]);
  // Without subtitles chosen, the forced ones for the audio playing show by themselves.
  const audioLang = audioTracks[audioEntry(audioTracks, audioId)]?.lang ?? 'und';
  useEffect(() => {
    if (!started || !chosen.current || !autoSubtitle.current) return;
    const forced = forcedTrack(subtitles, audioLang, navigator.language);
    if (forced !== subtitle) showSubtitle(forced);
  }, [started, subtitles, subtitle, audioLang, showSubtitle]);

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

  /**
   * The viewer's choice of subtitle track i (of subtitles), or none for -1, remembered by
   * language; with none, forced subtitles may still show.
   */
  const pickSubtitle = useCallback(
    (i: number) => {
      autoSubtitle.current = i < 0;
      showSubtitle(i);
      rememberSubtitles(i >= 0 ? (subtitles[i]?.lang ?? null) : null);
    },
    [subtitles, showSubtitle],
  );

  /** The viewer's choice of audio: the menu's entry, remembered by language. */
  const pickAudio = useCallback(
    (entry: number) => {
      playAudio(entry);
      const lang = audioTracks[entry]?.lang;
      if (lang) rememberAudio(lang);
    },
    [audioTracks, playAudio],
  );

  return {
    levels,
    level,
    choice,
    pickQuality,
    stopped,
    stop,
    failure,
    subtitles,
    subtitle,
    pickSubtitle,
    audioTracks,
    audio: audioEntry(audioTracks, audioId),
    pickAudio,
  };
}
