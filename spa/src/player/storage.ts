/**
 * The viewer's player choices kept on this browser, one set per profile. Storage may be
 * refused (private mode, a full quota): reads then give null and writes are dropped, so a
 * choice lasts as long as the page.
 */
let scope = '';
let language = '';

/**
 * Makes later choices those of one profile (its id); each profile keeps its own. Its
 * language is the audio a video starts in, where the video has it, until one is chosen.
 */
export function setChoiceScope(profile: { id: string; language: string } | null | undefined) {
  scope = profile?.id ?? '';
  language = profile?.language ?? '';
}

/** The language of the profile watching, or null. */
export const profileLanguage = (): string | null => language || null;

const scoped = (key: string) => (scope ? `${key}@${scope}` : key);

export function readChoice(key: string): string | null {
  try {
    return window.localStorage.getItem(scoped(key));
  } catch {
    return null;
  }
}

/** Keeps value under key, or forgets it for null. */
export function writeChoice(key: string, value: string | null) {
  try {
    if (value === null) window.localStorage.removeItem(scoped(key));
    else window.localStorage.setItem(scoped(key), value);
  } catch {
    // Not kept beyond the page.
  }
}
