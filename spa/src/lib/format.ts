/** A price in minor units, e.g. 1399 USD → "$13.99". */
export function formatPrice(cents: number, currency: string, locale?: string): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(cents / 100);
}

/** A date (ISO string) for people, without the time. */
export function formatDate(iso: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(iso));
}

/** Seconds as a clock: 83 → "1:23", 3723 → "1:02:03". */
export function formatClock(seconds: number): string {
  const s = Math.max(0, Math.floor(Number.isFinite(seconds) ? seconds : 0));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** A watched fraction as a whole percentage between 0 and 100. */
export function progressPercent(fraction: number | null | undefined): number {
  if (fraction == null || !Number.isFinite(fraction)) return 0;
  return Math.round(Math.min(1, Math.max(0, fraction)) * 100);
}

/** The fraction of duration that position is, clamped to 0..1 (0 for an unknown duration). */
export function fractionOf(position: number, duration: number): number {
  if (!Number.isFinite(duration) || duration <= 0 || !Number.isFinite(position)) return 0;
  return Math.min(1, Math.max(0, position / duration));
}

/** The tallest picture a plan allows, in words. */
export function maxQualityLabel(maxHeight: number): string {
  if (maxHeight <= 0) return 'Up to 4K (2160p)';
  if (maxHeight >= 1080) return `Up to Full HD (${maxHeight}p)`;
  if (maxHeight >= 720) return `Up to HD (${maxHeight}p)`;
  return `Up to ${maxHeight}p`;
}

/** A number with its noun, singular for one: "1 title", "3 titles". */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
