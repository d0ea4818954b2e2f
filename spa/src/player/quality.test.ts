import { describe, expect, it } from 'vitest';
import { qualityOptions, rungLabel } from './quality';

const levels = [
  { width: 426, height: 240, bitrate: 556_000 },
  { width: 640, height: 360, bitrate: 922_000 },
  { width: 1280, height: 720, bitrate: 3_000_000 },
];

describe('quality menu', () => {
  it('lists Auto first, then rungs from the best down', () => {
    expect(qualityOptions(levels, -1)).toEqual([
      { value: -1, label: 'Auto' },
      { value: 2, label: '720p' },
      { value: 1, label: '360p' },
      { value: 0, label: '240p' },
    ]);
  });

  it('shows the rung playing now under Auto', () => {
    expect(qualityOptions(levels, 1)[0]).toEqual({ value: -1, label: 'Auto (360p)' });
  });

  it('names rungs the way the transcoder does', () => {
    expect(rungLabel({ width: 1920, height: 800 })).toBe('1080p');
    expect(rungLabel({ width: 1280, height: 534 })).toBe('720p');
    expect(rungLabel({ width: 1080, height: 1920 })).toBe('1080p');
    expect(rungLabel({ width: 320, height: 180 })).toBe('180p');
    expect(rungLabel({ width: 3840, height: 2160 })).toBe('4K (2160p)');
    expect(rungLabel({ width: 0, height: 480 })).toBe('480p');
  });
});
