/** One seek thumbnail: a time range and the tile of a sprite sheet that shows it. */
export interface ThumbCue {
  start: number;
  end: number;
  url: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

function seconds(ts: string): number {
  // hh:mm:ss.mmm or mm:ss.mmm
  const parts = ts.trim().split(':').map(Number);
  if (parts.some((n) => !Number.isFinite(n))) return NaN;
  return parts.reduce((acc, n) => acc * 60 + n, 0);
}

/**
 * Reads a WebVTT thumbnail track whose cues name a sprite with a media fragment
 * (`thumbs/sprite_001.jpg#xywh=160,0,160,90`); relative URLs resolve against the
 * track's own URL. Cues without a readable fragment are skipped.
 */
export function parseThumbnailVTT(text: string, trackURL: string): ThumbCue[] {
  const cues: ThumbCue[] = [];
  const blocks = text.replace(/\r\n?/g, '\n').split(/\n{2,}/);
  for (const block of blocks) {
    const lines = block.split('\n').filter((l) => l.trim() !== '');
    const timing = lines.findIndex((l) => l.includes('-->'));
    if (timing < 0) continue;
    const [from, to] = lines[timing]!.split('-->');
    const target = lines[timing + 1];
    if (!from || !to || !target) continue;
    const start = seconds(from);
    const end = seconds(to.trim().split(/\s+/)[0]!);
    const m = /^(.*)#xywh=(\d+),(\d+),(\d+),(\d+)\s*$/.exec(target.trim());
    if (!m || !Number.isFinite(start) || !Number.isFinite(end)) continue;
    cues.push({
      start,
      end,
      url: new URL(m[1]!, trackURL).toString(),
      x: Number(m[2]),
      y: Number(m[3]),
      w: Number(m[4]),
      h: Number(m[5]),
    });
  }
  return cues;
}

/** The cue showing time t (cues are in order); the last cue covers anything past the end. */
export function cueAt(cues: readonly ThumbCue[], t: number): ThumbCue | null {
  if (cues.length === 0 || !Number.isFinite(t)) return null;
  let lo = 0;
  let hi = cues.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (cues[mid]!.start <= t) lo = mid;
    else hi = mid - 1;
  }
  return cues[lo]!;
}

/** The thumbnails track published next to a master playlist. */
export function thumbnailsURL(manifestURL: string, base: string): string {
  return new URL('thumbs.vtt', new URL(manifestURL, base)).toString();
}
