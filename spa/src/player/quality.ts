/** A rendition as the quality menu needs it. */
export interface Rung {
  height: number;
  width: number;
  bitrate: number;
}

export interface QualityOption {
  /** The hls.js level index; -1 is automatic. */
  value: number;
  label: string;
}

const BOXES = [240, 360, 480, 720, 1080, 1440, 2160];

/**
 * A rung's name as the transcoder gives it: the smallest 16:9 box (9:16 when
 * portrait) that holds the picture, so a 1920×800 film is 1080p; a picture that fills
 * neither side of its box is named for its short side (a 320×180 clip is 180p).
 */
export function rungLabel(r: Pick<Rung, 'height' | 'width'>): string {
  if (!r.width || !r.height) return r.height ? `${r.height}p` : 'Unknown';
  const long = Math.max(r.width, r.height);
  const short = Math.min(r.width, r.height);
  let name = short;
  for (const n of BOXES) {
    const boxLong = Math.round((n * 16) / 9);
    if (long <= boxLong && short <= n) {
      name = long >= 0.98 * boxLong || short >= 0.98 * n ? n : short;
      break;
    }
  }
  return name === 2160 ? '4K (2160p)' : `${name}p`;
}

/**
 * The quality menu: Auto first, saying which rung it is playing now, then every
 * rung from the best down. current is the level being shown (-1 before the first).
 */
export function qualityOptions(levels: readonly Rung[], current: number): QualityOption[] {
  const playing = levels[current];
  const auto: QualityOption = { value: -1, label: playing ? `Auto (${rungLabel(playing)})` : 'Auto' };
  const rungs = levels
    .map((l, i) => ({ l, i }))
    .sort((a, b) => b.l.height - a.l.height || b.l.bitrate - a.l.bitrate)
    .map(({ l, i }) => ({ value: i, label: rungLabel(l) }));
  return [auto, ...rungs];
}
