import { describe, expect, it } from 'vitest';
import { hlsConfig, hlsProfile, TUNED_CONFIG } from './hlsConfig';
import { countdownLeft, progressReportPosition } from './progress';

describe('progress reports', () => {
  it('rounds down to a tenth and stays within the video', () => {
    expect(progressReportPosition(12.345, 100)).toBe(12.3);
    expect(progressReportPosition(100.2, 100)).toBe(100);
    expect(progressReportPosition(-1, 100)).toBe(0);
  });

  it('waits for a known duration', () => {
    expect(progressReportPosition(3, NaN)).toBeNull();
    expect(progressReportPosition(3, Infinity)).toBeNull();
    expect(progressReportPosition(3, 0)).toBeNull();
  });

  it('counts the up-next countdown down to zero', () => {
    expect(countdownLeft(10, 1000, 1000)).toBe(10);
    expect(countdownLeft(10, 1000, 4500)).toBe(7);
    expect(countdownLeft(10, 1000, 99_000)).toBe(0);
  });
});

describe('hls settings', () => {
  it('uses the tuned settings unless the bench asks for the defaults', () => {
    expect(hlsProfile('')).toBe('tuned');
    expect(hlsProfile('?hls=defaults')).toBe('defaults');
    expect(hlsProfile('?hls=other')).toBe('tuned');
    expect(hlsConfig('defaults', 0)).toEqual({});
    expect(hlsConfig('tuned', 0)).toEqual(TUNED_CONFIG);
  });

  it('resumes where the viewer stopped', () => {
    expect(hlsConfig('tuned', 42).startPosition).toBe(42);
    expect(hlsConfig('defaults', 42)).toEqual({ startPosition: 42 });
  });
});
