/**
 * The viewer's player choices kept on this browser. Storage may be refused (private mode,
 * a full quota): reads then give null and writes are dropped, so a choice lasts as long as
 * the page.
 */
export function readChoice(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Keeps value under key, or forgets it for null. */
export function writeChoice(key: string, value: string | null) {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // Not kept beyond the page.
  }
}
