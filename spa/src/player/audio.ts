import { profileLanguage, readChoice, writeChoice } from './storage';
import { primaryLanguage, type TextTrackInfo } from './subtitles';

/** An audio track as the player lists it. */
export interface AudioTrackInfo {
  name: string;
  lang: string;
  /**
   * The player's ids for it: hls.js lists a track once per audio group it is in (stereo,
   * and again in the surround group when the video has 5.1), so one entry may stand for several.
   */
  ids: number[];
}

/** What the player needs of an hls.js audio track (or a native one, mapped to this shape). */
export interface AudioSource {
  id: number;
  name: string;
  lang?: string;
  url?: string;
  channels?: string;
}

/**
 * The audio menu: one entry per rendition (tracks at the same URL are one), a 5.1 rendition
 * named as such, in the playlist's order.
 */
export function audioMenu(tracks: readonly AudioSource[]): AudioTrackInfo[] {
  const out: AudioTrackInfo[] = [];
  const byUrl = new Map<string, AudioTrackInfo>();
  for (const t of tracks) {
    const same = t.url ? byUrl.get(t.url) : undefined;
    if (same) {
      same.ids.push(t.id);
      continue;
    }
    const surround = Number(t.channels ?? 2) >= 6;
    const entry = { name: surround ? `${t.name} 5.1` : t.name, lang: t.lang ?? 'und', ids: [t.id] };
    if (t.url) byUrl.set(t.url, entry);
    out.push(entry);
  }
  return out;
}

/** The menu entry playing track id, or -1. */
export function audioEntry(menu: readonly AudioTrackInfo[], id: number): number {
  return menu.findIndex((e) => e.ids.includes(id));
}

/** The entry to switch to when a video starts: the remembered language's first track, or -1. */
export function pickAudioTrack(menu: readonly AudioTrackInfo[], lang: string | null): number {
  if (!lang) return -1;
  const exact = menu.findIndex((e) => e.lang.toLowerCase() === lang.toLowerCase());
  return exact >= 0 ? exact : menu.findIndex((e) => primaryLanguage(e.lang) === primaryLanguage(lang));
}

const KEY = 'marquee.audio';

/** The language the profile last chose audio in on this browser, else the profile's language. */
export const rememberedAudio = () => readChoice(KEY) ?? profileLanguage();

export const rememberAudio = (lang: string) => writeChoice(KEY, lang);

/**
 * The forced track to show while subtitles are off: forced subtitles translate what the
 * audio itself leaves untranslated (a sign, a line in another tongue), so the one in the
 * audio's language comes first; when there is none and the audio is not in the viewer's
 * language, the viewer's. -1 when neither exists.
 */
export function forcedTrack(tracks: readonly TextTrackInfo[], audioLang: string, viewerLang: string): number {
  const find = (lang: string) => tracks.findIndex((t) => t.forced && primaryLanguage(t.lang) === primaryLanguage(lang));
  const same = find(audioLang);
  if (same >= 0 || primaryLanguage(audioLang) === primaryLanguage(viewerLang)) return same;
  return find(viewerLang);
}
