import { describe, expect, it } from 'vitest';
import { pageTitle } from './title';

describe('pageTitle', () => {
  it('puts the screen before the site', () => {
    expect(pageTitle('The Lantern Keeper')).toBe('The Lantern Keeper — Marquee');
  });
  it('is the site alone without a name', () => {
    expect(pageTitle('')).toBe('Marquee');
    expect(pageTitle(undefined)).toBe('Marquee');
  });
});
