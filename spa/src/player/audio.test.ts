import { describe, expect, it } from 'vitest';
import { audioEntry, audioMenu, forcedTrack, pickAudioTrack } from './audio';

describe('audio menu', () => {
  // How hls.js lists a video with English in 5.1: every track in the stereo group, then the
  // surround group with English's 5.1 rendition and French's stereo one again.
  const tracks = [
    { id: 0, name: 'English', lang: 'en', url: 'a1.m3u8', channels: '2' },
    { id: 1, name: 'French', lang: 'fr', url: 'a2.m3u8', channels: '2' },
    { id: 2, name: 'English', lang: 'en', url: 'a1-51.m3u8', channels: '6' },
    { id: 3, name: 'French', lang: 'fr', url: 'a2.m3u8', channels: '2' },
  ];
  const menu = audioMenu(tracks);

  it('lists each rendition once and names 5.1', () => {
    expect(menu).toEqual([
      { name: 'English', lang: 'en', ids: [0] },
      { name: 'French', lang: 'fr', ids: [1, 3] },
      { name: 'English 5.1', lang: 'en', ids: [2] },
    ]);
    expect(audioEntry(menu, 3)).toBe(1);
    expect(audioEntry(menu, 9)).toBe(-1);
  });

  it('switches to the language chosen last', () => {
    expect(pickAudioTrack(menu, 'fr-CA')).toBe(1);
    expect(pickAudioTrack(menu, 'EN')).toBe(0);
    expect(pickAudioTrack(menu, 'de')).toBe(-1);
    expect(pickAudioTrack(menu, null)).toBe(-1);
  });
});

describe('forced subtitles', () => {
  const subs = [
    { name: 'English', lang: 'en', forced: false },
    { name: 'French (forced)', lang: 'fr', forced: true },
    { name: 'English (forced)', lang: 'en-GB', forced: true },
  ];

  it("show the audio language's forced track first", () => {
    expect(forcedTrack(subs, 'en', 'en-US')).toBe(2);
    expect(forcedTrack(subs, 'fr', 'en-US')).toBe(1);
  });

  it("fall back to the viewer's language only when the audio is foreign to them", () => {
    expect(forcedTrack(subs, 'de', 'en-US')).toBe(2);
    expect(forcedTrack(subs, 'de', 'de')).toBe(-1);
    expect(forcedTrack(subs.slice(0, 1), 'fr', 'en')).toBe(-1);
  });
});
