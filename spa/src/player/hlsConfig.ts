import { FetchLoader } from 'hls.js';
import type { HlsConfig, LoaderCallbacks, LoaderConfiguration, LoaderContext } from 'hls.js';

/** Seconds of media to fetch before the first frame; one 4 s segment is enough to start. */
export const START_BUFFER_SECONDS = 4;
/** The forward buffer once playing, hls.js's own default. */
export const PLAYING_BUFFER_SECONDS = 30;

/** How much of a segment the fragment loader gathers before handing it on. */
export const CHUNK_BYTES = 16 * 1024;

/**
 * hls.js's fetch loader, handing each segment on in pieces of CHUNK_BYTES as they arrive
 * rather than of 128 KiB (hls.js's fixed size, half of a whole 4 s segment of the lowest
 * rung). hls.js appends the complete movie fragments of each piece and keeps the rest for
 * the next.
 */
export class StreamingLoader extends FetchLoader {
  load(context: LoaderContext, config: LoaderConfiguration, callbacks: LoaderCallbacks<LoaderContext>) {
    const streaming = Number.isFinite(config.highWaterMark) ? { ...config, highWaterMark: CHUNK_BYTES } : config;
    super.load(context, streaming, callbacks);
  }
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
 *   StreamingLoader, which hands on small pieces);
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
  fLoader: StreamingLoader as unknown as HlsConfig['fLoader'],
};

export type HlsProfile = 'tuned' | 'defaults';

/**
 * Which settings to use. `?hls=defaults` on the player's URL selects hls.js's own
 * defaults; it exists for bench/ttff, which times both side by side, and is not
 * linked from anywhere in the app.
 */
export function hlsProfile(search: string): HlsProfile {
  return new URLSearchParams(search).get('hls') === 'defaults' ? 'defaults' : 'tuned';
}

export function hlsConfig(profile: HlsProfile, startPosition: number): Partial<HlsConfig> {
  const start = startPosition > 0 ? { startPosition } : {};
  return profile === 'defaults' ? { ...start } : { ...TUNED_CONFIG, ...start };
}
