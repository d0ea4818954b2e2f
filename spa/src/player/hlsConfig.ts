import Hls, { FetchLoader } from 'hls.js';
import type { Fragment, FragmentLoaderContext, HlsConfig, LoaderCallbacks, LoaderConfiguration, LoaderContext, LoaderStats } from 'hls.js';
import { SegmentDecrypter } from './decrypt';

/** Seconds of media to fetch before the first frame; one 4 s segment is enough to start. */
export const START_BUFFER_SECONDS = 4;
/** The forward buffer once playing, hls.js's own default. */
export const PLAYING_BUFFER_SECONDS = 30;

/** How much of a segment the fragment loader gathers before handing it on. */
export const CHUNK_BYTES = 16 * 1024;
/** The same for audio, whose half-second fragments are about 8 KiB. */
export const AUDIO_CHUNK_BYTES = 4 * 1024;

/**
 * A fragment loader for one player: hls.js's fetch loader, handing each segment on in
 * pieces of CHUNK_BYTES as they arrive rather than of 128 KiB (hls.js's fixed size, half of
 * a whole 4 s segment of the lowest rung). hls.js appends the complete movie fragments of
 * each piece and keeps the rest for the next.
 *
 * Audio pieces are held back until the video's first timestamp is known (`timestampKnown`,
 * called on hls.js's INIT_PTS_FOUND), then handed on at once, all together: hls.js 1.7
 * keeps the audio pieces that arrive before that timestamp for later, but hands a piece
 * arriving just after it on at once, ahead of the kept ones, and then cannot read the
 * segment (the first frame never comes).
 *
 * onVideoProgress sees each video piece's load statistics (see switchDownWhenSlow).
 */
export function streamingLoader(onVideoProgress?: (frag: Fragment, stats: LoaderStats) => void): {
  loader: HlsConfig['fLoader'];
  timestampKnown: () => void;
} {
  let timed = false;
  const waiting = new Set<() => void>(); // audio loads holding pieces back
  class StreamingLoader extends FetchLoader {
    load(context: LoaderContext, config: LoaderConfiguration, callbacks: LoaderCallbacks<LoaderContext>) {
      if (!Number.isFinite(config.highWaterMark)) {
        super.load(context, config, callbacks); // init segments, which hls.js wants whole
        return;
      }
      const frag = (context as FragmentLoaderContext).frag;
      const audio = frag?.type === 'audio';
      const pieces = { ...config, highWaterMark: audio ? AUDIO_CHUNK_BYTES : CHUNK_BYTES };
      const decrypter = frag && callbacks.onProgress ? takeKey(frag) : null;
      const onward = this.onward(frag, audio, callbacks);
      super.load(context, pieces, decrypter ? decrypting(onward, decrypter) : onward);
    }

    /** What the loader hands the (clear) pieces on to: hls.js, with the audio and pace rules. */
    private onward(frag: Fragment | undefined, audio: boolean, callbacks: LoaderCallbacks<LoaderContext>): LoaderCallbacks<LoaderContext> {
      const onProgress = callbacks.onProgress;
      if (!audio && onProgress && onVideoProgress && frag) {
        return {
          ...callbacks,
          onProgress: (...args) => {
            onProgress(...args);
            onVideoProgress(frag, args[0]);
          },
        };
      }
      if (timed || !audio || !onProgress) return callbacks;
      let held: Uint8Array[] = [];
      let last: Parameters<typeof onProgress> | null = null;
      const release = () => {
        waiting.delete(release);
        if (!last || !held.length || last[0].aborted) return;
        const [stats, ctx, , details] = last;
        const all = joined(held);
        held = [];
        onProgress(stats, ctx, all.buffer as ArrayBuffer, details);
      };
      waiting.add(release);
      return {
        ...callbacks,
        onProgress: (...args) => {
          held.push(new Uint8Array(args[2] as ArrayBuffer));
          last = args;
          if (timed) release();
        },
        onSuccess: (...args) => {
          release();
          callbacks.onSuccess(...args);
        },
        onError: (...args) => {
          waiting.delete(release);
          callbacks.onError(...args);
        },
        onTimeout: (...args) => {
          waiting.delete(release);
          callbacks.onTimeout(...args);
        },
        onAbort: (...args) => {
          waiting.delete(release);
          callbacks.onAbort?.(...args);
        },
      };
    }
  }
  return {
    loader: StreamingLoader as unknown as HlsConfig['fLoader'],
    timestampKnown: () => {
      timed = true;
      // Out of hls.js's event dispatch, which announced the timestamp.
      setTimeout(() => [...waiting].forEach((release) => release()), 0);
    },
  };
}

/**
 * The decrypter of an AES-128 segment whose key hls.js has loaded, or null. The fragment's key
 * data is then replaced by a copy without the key, so that hls.js, which would decrypt each
 * piece again as if it were a whole segment, takes the pieces this loader hands on as clear;
 * hls.js fetches the key again (from its cache) if it loads the fragment again.
 */
function takeKey(frag: Fragment): SegmentDecrypter | null {
  const data = frag.decryptdata;
  if (data?.method !== 'AES-128' || !data.key || !data.iv) return null;
  const decrypter = new SegmentDecrypter(data.key, data.iv);
  (frag as unknown as { _decryptdata: unknown })._decryptdata = null;
  return decrypter;
}

/** Callbacks that decrypt each piece before handing it on, in order, and the last on success. */
export function decrypting(callbacks: LoaderCallbacks<LoaderContext>, decrypter: SegmentDecrypter): LoaderCallbacks<LoaderContext> {
  const onProgress = callbacks.onProgress!;
  let stopped = false;
  let last: Parameters<typeof onProgress> | null = null;
  const fail = (stats: LoaderStats, ctx: LoaderContext, details: Parameters<typeof onProgress>[3]) => {
    stopped = true;
    callbacks.onError({ code: 0, text: 'The segment could not be decrypted.' }, ctx, details, stats);
  };
  return {
    ...callbacks,
    onProgress: (stats, ctx, data, details) => {
      last = [stats, ctx, data, details];
      decrypter.push(new Uint8Array(data as ArrayBuffer)).then(
        (plain) => {
          if (!stopped && plain.length) onProgress(stats, ctx, plain.buffer, details);
        },
        () => stopped || fail(stats, ctx, details),
      );
    },
    onSuccess: (response, stats, ctx, details) => {
      decrypter.end().then(
        (plain) => {
          if (stopped) return;
          if (plain.length) onProgress(last?.[0] ?? stats, ctx, plain.buffer, details);
          callbacks.onSuccess({ ...response, data: plain.buffer }, stats, ctx, details);
        },
        () => stopped || fail(stats, ctx, details),
      );
    },
    onError: (...args) => {
      stopped = true;
      callbacks.onError(...args);
    },
    onTimeout: (...args) => {
      stopped = true;
      callbacks.onTimeout(...args);
    },
    onAbort: (...args) => {
      stopped = true;
      callbacks.onAbort?.(...args);
    },
  };
}

function joined(parts: Uint8Array[]): Uint8Array {
  const [only] = parts;
  if (parts.length === 1 && only) return only;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/**
 * hls.js settings for a quick first frame:
 * - start on the lowest rung (levels are sorted by bitrate, so index 0), whose first
 *   segment is the smallest download, and let ABR climb once a segment has measured the
 *   link; the default start level is chosen from a guessed bandwidth before anything
 *   was measured, often a rung whose first segment takes seconds;
 * - no separate bandwidth-test fragment;
 * - a forward buffer of one segment until the first frame, so the second segment does
 *   not compete for the link with the first (raised to the default once playing);
 * - fetch the first segment while the media element is still being attached;
 * - never pick a rung taller than the player shows;
 * - lowLatencyMode off: these are VOD playlists, and the low-latency code paths only
 *   add work;
 * - progressive loading: segments arrive as several movie fragments (the transcoder's
 *   --fragment-ms), and hls.js appends each one as it completes, so the first frame
 *   needs the first half second of the first segment rather than all of it (with
 *   streamingLoader, which hands on small pieces);
 * - no transmuxing worker: the segments are fMP4 and pass through untouched, and
 *   starting the worker means parsing hls.js a second time before the first segment.
 */
export const TUNED_CONFIG: Partial<HlsConfig> = {
  startLevel: 0,
  testBandwidth: false,
  maxBufferLength: START_BUFFER_SECONDS,
  startFragPrefetch: true,
  capLevelToPlayerSize: true,
  lowLatencyMode: false,
  backBufferLength: 60,
  enableWorker: false,
  progressive: true,
};

export type HlsProfile = 'tuned' | 'defaults';

/**
 * Which settings to use. `?hls=defaults` on the player's URL selects hls.js's own
 * defaults; it exists for bench/qoe, which times both side by side, and is not
 * linked from anywhere in the app.
 */
export function hlsProfile(search: string): HlsProfile {
  return new URLSearchParams(search).get('hls') === 'defaults' ? 'defaults' : 'tuned';
}

export function hlsConfig(profile: HlsProfile, startPosition: number): Partial<HlsConfig> {
  const start = startPosition > 0 ? { startPosition } : {};
  return profile === 'defaults' ? { ...start } : { ...TUNED_CONFIG, ...start };
}

/** How long a segment's download streams before its pace is judged. */
const JUDGE_AFTER_MS = 1000;

/**
 * Switches down as soon as the video segment being loaded shows that the link cannot carry
 * its rung: once a second of it has streamed, if the whole segment would take longer to
 * load than it takes to play, the load is dropped and the next one asks for the best rung
 * that fits in 80 % of the pace measured. hls.js's own rule waits while more than two
 * segments are buffered, which with a 30 s buffer means finishing a top-rung segment at
 * whatever the link has fallen to (12 s for a 4 s 720p segment at 1 Mb/s) before it looks
 * at a lower rung.
 */
export function switchDownWhenSlow(hls: Hls) {
  return (frag: Fragment, stats: LoaderStats) => {
    if (!hls.autoLevelEnabled || frag.level <= 0 || stats.aborted || !stats.loading.first) return;
    const streamed = performance.now() - stats.loading.first;
    if (streamed < JUDGE_AFTER_MS || stats.loaded <= 0) return;
    const pace = (stats.loaded * 8 * 1000) / streamed; // bits per second
    const level = hls.levels[frag.level];
    if (!level) return;
    const expected = Math.max(stats.total || 0, (frag.duration * level.bitrate) / 8, stats.loaded);
    const eta = streamed + ((expected - stats.loaded) * 8 * 1000) / pace;
    if (eta <= frag.duration * 1000) return;
    let next = 0;
    hls.levels.forEach((l, i) => {
      if (i < frag.level && l.bitrate <= 0.8 * pace) next = i;
    });
    hls.bandwidthEstimate = pace;
    hls.nextLoadLevel = next;
    frag.abortRequests();
    hls.trigger(Hls.Events.FRAG_LOAD_EMERGENCY_ABORTED, { frag, part: null, stats });
  };
}

/** A player with the profile's settings, its fragment loader wired to its events. */
export function createHls(profile: HlsProfile, startPosition: number): Hls {
  if (profile === 'defaults') return new Hls(hlsConfig(profile, startPosition));
  let watch: ((frag: Fragment, stats: LoaderStats) => void) | undefined;
  const streaming = streamingLoader((frag, stats) => watch?.(frag, stats));
  const hls = new Hls({ ...hlsConfig(profile, startPosition), fLoader: streaming.loader });
  hls.once(Hls.Events.INIT_PTS_FOUND, streaming.timestampKnown);
  watch = switchDownWhenSlow(hls);
  return hls;
}
