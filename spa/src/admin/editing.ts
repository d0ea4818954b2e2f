import type { CreditRole } from '../gql/graphql';
import { count } from '../lib/format';

/** A comma-separated list as the forms take it: trimmed, without empty items. */
export function parseList(s: string): string[] {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}

/** One credit as the editor holds it. */
export interface CreditRow {
  name: string;
  role: CreditRole;
  character: string;
}

/** Moves the item at index i by step places (−1 up, +1 down), keeping it inside the list. */
export function moveItem<T>(list: readonly T[], i: number, step: number): T[] {
  const j = i + step;
  if (i < 0 || i >= list.length || j < 0 || j >= list.length) return [...list];
  const out = [...list];
  [out[i], out[j]] = [out[j]!, out[i]!];
  return out;
}

/** The credits to send: rows without a name left out, characters only for the cast. */
export function creditsInput(rows: readonly CreditRow[]) {
  return rows
    .filter((r) => r.name.trim() !== '')
    .map((r) => ({ name: r.name.trim(), role: r.role, character: r.role === 'CAST' && r.character.trim() ? r.character.trim() : null }));
}

/** What a deletion takes away, for its confirmation. */
export interface Doomed {
  kind: 'title' | 'season' | 'episode';
  name: string;
  seasons?: number;
  episodes?: number;
  videos?: number;
}

/**
 * The sentence a deletion's confirmation shows: what goes with it, and that playback of it
 * stops. Nothing else (payments, memberships) is touched.
 */
export function deletionSummary(d: Doomed): string {
  const parts: string[] = [];
  if (d.kind === 'title') {
    if (d.seasons) parts.push(count(d.seasons, 'season'));
    if (d.episodes) parts.push(count(d.episodes, 'episode'));
  }
  if (d.kind === 'season' && d.episodes) parts.push(count(d.episodes, 'episode'));
  if (d.videos) parts.push(count(d.videos, 'video') + ' with their media');
  if (d.kind === 'title') parts.push('its artwork, credits, ratings and viewers’ progress');
  else parts.push('viewers’ progress in it');
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : parts[0];
  return `Delete ${d.name}? This removes ${list}. Anyone watching it is stopped. This cannot be undone.`;
}

/** A video's markers as the form holds them (text) turned into the mutation's input. */
export function markersInput(f: { introStart: string; introEnd: string; creditsStart: string }) {
  const n = (s: string) => (s.trim() === '' ? null : Number(s));
  return { introStart: n(f.introStart), introEnd: n(f.introEnd), creditsStart: n(f.creditsStart) };
}

/** Bits per second as people read them: 412 kb/s, 2.8 Mb/s. */
export function rate(bps: number): string {
  return bps >= 999_500 ? `${(bps / 1_000_000).toFixed(1)} Mb/s` : `${Math.round(bps / 1000)} kb/s`;
}

/** Seconds as m:ss for the markers' labels. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
