/** How often the position is saved while playing. */
export const REPORT_EVERY_MS = 10_000;

/**
 * The position to report for a playhead, rounded to a tenth of a second and kept
 * within the video (the server refuses positions past the duration); null while
 * the duration is unknown.
 */
export function progressReportPosition(currentTime: number, duration: number): number | null {
  if (!Number.isFinite(duration) || duration <= 0 || !Number.isFinite(currentTime)) return null;
  const t = Math.min(Math.max(0, currentTime), duration);
  return Math.floor(t * 10) / 10;
}

/** Seconds left on an up-next countdown that started at startedAt (ms), never below zero. */
export function countdownLeft(total: number, startedAt: number, now: number): number {
  return Math.max(0, Math.ceil(total - (now - startedAt) / 1000));
}
