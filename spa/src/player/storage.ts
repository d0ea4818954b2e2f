/**
 * The viewer's player choices kept on this browser, one set per profile. Storage may be
 * refused (private mode, a full quota): reads then give null and writes are dropped, so a
 * choice lasts as long as the page.
 */
let scope = '';

/** Makes later choices those of one profile (its id); each profile keeps its own. */
export function setChoiceScope(profileId: string | null | undefined) {
  scope = profileId ?? '';
}

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
