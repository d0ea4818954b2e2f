import { describe, expect, it } from 'vitest';
import { count, formatClock, formatPrice, fractionOf, maxQualityLabel, progressPercent } from './format';

describe('format', () => {
  it('formats clocks', () => {
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(83.9)).toBe('1:23');
    expect(formatClock(3723)).toBe('1:02:03');
    expect(formatClock(NaN)).toBe('0:00');
    expect(formatClock(-5)).toBe('0:00');
  });

  it('turns fractions into bar widths within 0..100', () => {
    expect(progressPercent(0.456)).toBe(46);
    expect(progressPercent(1.2)).toBe(100);
    expect(progressPercent(-1)).toBe(0);
    expect(progressPercent(null)).toBe(0);
    expect(fractionOf(30, 120)).toBe(0.25);
    expect(fractionOf(5, 0)).toBe(0);
    expect(fractionOf(500, 120)).toBe(1);
  });

  it('formats prices from cents', () => {
    expect(formatPrice(1399, 'USD', 'en-US')).toBe('$13.99');
  });

  it('names plan picture limits', () => {
    expect(maxQualityLabel(720)).toBe('Up to HD (720p)');
    expect(maxQualityLabel(1080)).toBe('Up to Full HD (1080p)');
    expect(maxQualityLabel(0)).toBe('Up to 4K (2160p)');
  });
});

describe('count', () => {
  it('says one in the singular and any other number in the plural', () => {
    expect(count(1, 'title')).toBe('1 title');
    expect(count(0, 'title')).toBe('0 titles');
    expect(count(2, 'series', 'series')).toBe('2 series');
  });
});
