import { readChoice, writeChoice } from './storage';

/** A subtitle track as the player lists it. */
export interface TextTrackInfo {
  name: string;
  lang: string;
  forced: boolean;
}

const KEY = 'marquee.subtitles';

/** The language the viewer last chose subtitles in, on this browser; null for off. */
export const rememberedSubtitles = () => readChoice(KEY);

/** Remembers the viewer's choice: a language, or null for off. */
export const rememberSubtitles = (lang: string | null) => writeChoice(KEY, lang || null);

/** A language tag's primary subtag, lower case: en for en-US. */
export const primaryLanguage = (l: string) => l.toLowerCase().split('-')[0] ?? '';

/**
 * The track to turn on when a video starts: the first full (not forced) track in the
 * language the viewer chose last (its primary subtag is enough: en matches en-US), or -1.
 */
export function pickSubtitleTrack(tracks: readonly TextTrackInfo[], lang: string | null): number {
  if (!lang) return -1;
  const exact = tracks.findIndex((t) => !t.forced && t.lang.toLowerCase() === lang.toLowerCase());
  return exact >= 0 ? exact : tracks.findIndex((t) => !t.forced && primaryLanguage(t.lang) === primaryLanguage(lang));
}

/** The track the captions shortcut turns on: the remembered language's, else the first full one. */
export function captionsTrack(tracks: readonly TextTrackInfo[], lang: string | null): number {
  const pick = pickSubtitleTrack(tracks, lang);
  return pick >= 0 ? pick : tracks.findIndex((t) => !t.forced);
}

/** How captions look: the viewer's choice, kept on this browser. */
export interface CaptionStyle {
  size: 'small' | 'medium' | 'large' | 'huge';
  color: 'white' | 'yellow' | 'cyan' | 'green';
  background: 'none' | 'translucent' | 'opaque';
}

export const DEFAULT_CAPTION_STYLE: CaptionStyle = { size: 'medium', color: 'white', background: 'translucent' };

export const CAPTION_CHOICES = {
  size: ['small', 'medium', 'large', 'huge'],
  color: ['white', 'yellow', 'cyan', 'green'],
  background: ['none', 'translucent', 'opaque'],
} as const;

const STYLE_KEY = 'marquee.captionStyle';

/** Reads a stored style, keeping only values it knows (anything else falls back to the default). */
export function parseCaptionStyle(stored: string | null): CaptionStyle {
  const out = { ...DEFAULT_CAPTION_STYLE };
  try {
    const v = JSON.parse(stored ?? '{}') as Record<string, unknown>;
    for (const k of Object.keys(CAPTION_CHOICES) as (keyof CaptionStyle)[]) {
      if ((CAPTION_CHOICES[k] as readonly unknown[]).includes(v[k])) (out as Record<string, unknown>)[k] = v[k];
    }
  } catch {
    // A damaged value: the default.
  }
  return out;
}

export const loadCaptionStyle = (): CaptionStyle => parseCaptionStyle(readChoice(STYLE_KEY));

export const saveCaptionStyle = (s: CaptionStyle) => writeChoice(STYLE_KEY, JSON.stringify(s));
