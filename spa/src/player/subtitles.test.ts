import { describe, expect, it } from 'vitest';
import { captionsTrack, pickSubtitleTrack } from './subtitles';

describe('subtitle choice', () => {
  const tracks = [
    { name: 'French (forced)', lang: 'fr', forced: true },
    { name: 'American English (CC)', lang: 'en-US', forced: false },
    { name: 'French', lang: 'fr', forced: false },
  ];

  it('turns on the language chosen last, never a forced track for it', () => {
    expect(pickSubtitleTrack(tracks, 'fr')).toBe(2);
    expect(pickSubtitleTrack(tracks, 'en')).toBe(1);
    expect(pickSubtitleTrack(tracks, 'de')).toBe(-1);
    expect(pickSubtitleTrack(tracks, null)).toBe(-1);
  });

  it('turns on the first full track for the captions shortcut without a choice', () => {
    expect(captionsTrack(tracks, null)).toBe(1);
    expect(captionsTrack(tracks, 'fr')).toBe(2);
    expect(captionsTrack([], null)).toBe(-1);
  });
});
