import { describe, expect, it } from 'vitest';
import { captionsTrack, DEFAULT_CAPTION_STYLE, parseCaptionStyle, pickSubtitleTrack } from './subtitles';

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

describe('caption style', () => {
  it('keeps the known choices and falls back for the rest', () => {
    expect(parseCaptionStyle('{"size":"large","color":"yellow","background":"nope"}')).toEqual({
      size: 'large',
      color: 'yellow',
      background: 'translucent',
    });
    expect(parseCaptionStyle('not json')).toEqual(DEFAULT_CAPTION_STYLE);
    expect(parseCaptionStyle(null)).toEqual(DEFAULT_CAPTION_STYLE);
  });
});
