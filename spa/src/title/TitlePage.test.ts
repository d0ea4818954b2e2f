import { describe, expect, it } from 'vitest';
import { isSampleClip } from './TitlePage';

describe('isSampleClip', () => {
  it('calls a video far shorter than the runtime a clip', () => {
    expect(isSampleClip(112, 12)).toBe(true);
  });
  it('is not one for the real length, or without either figure', () => {
    expect(isSampleClip(112, 112 * 60 - 30)).toBe(false);
    expect(isSampleClip(null, 12)).toBe(false);
    expect(isSampleClip(90, 0)).toBe(false);
  });
});
