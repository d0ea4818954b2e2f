/** A profile as the picker needs it. */
export interface PickedProfile {
  id: string;
  kids: boolean;
  hasPin: boolean;
}

/**
 * Whether entering `target` from `current` asks for a PIN before trying: the target's own
 * PIN, or, leaving a Kids profile that has one for a profile that has none, the Kids
 * profile's. The server decides in the end; this only spares a refused first try.
 */
export function needsPin(target: PickedProfile, current: PickedProfile | null | undefined): boolean {
  if (current?.id === target.id) return false;
  if (target.hasPin) return true;
  return Boolean(current?.kids && current.hasPin && !target.kids);
}

/** Initials for a profile's tile: the first letters of its first two words. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  return words
    .slice(0, 2)
    .map((w) => Array.from(w)[0]?.toUpperCase() ?? '')
    .join('');
}
