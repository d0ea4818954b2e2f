import { describe, expect, it } from 'vitest';
import { cueAt, parseThumbnailVTT, thumbnailsURL } from './vtt';

const track = `WEBVTT

00:00:00.000 --> 00:00:02.000
thumbs/sprite_001.jpg#xywh=0,0,160,90

00:00:02.000 --> 00:00:04.000
thumbs/sprite_001.jpg#xywh=160,0,160,90

00:00:04.000 --> 00:00:05.500
thumbs/sprite_002.jpg#xywh=0,90,160,90
`;

const base = 'http://tv.example.org/media/tok/thumbs.vtt';

describe('thumbnail track', () => {
  it('reads cues with sprite tiles resolved against the track', () => {
    const cues = parseThumbnailVTT(track, base);
    expect(cues).toHaveLength(3);
    expect(cues[1]).toEqual({ start: 2, end: 4, url: 'http://tv.example.org/media/tok/thumbs/sprite_001.jpg', x: 160, y: 0, w: 160, h: 90 });
    expect(cues[2]!.end).toBe(5.5);
  });

  it('accepts CRLF line ends, cue ids and short timestamps', () => {
    const crlf = 'WEBVTT\r\n\r\n1\r\n00:01.000 --> 00:02.000 align:start\r\nsprite.jpg#xywh=1,2,3,4\r\n';
    expect(parseThumbnailVTT(crlf, base)).toEqual([
      { start: 1, end: 2, url: 'http://tv.example.org/media/tok/sprite.jpg', x: 1, y: 2, w: 3, h: 4 },
    ]);
  });

  it('skips cues without a tile', () => {
    expect(parseThumbnailVTT('WEBVTT\n\n00:00.000 --> 00:01.000\nplain.jpg\n', base)).toEqual([]);
  });

  it('finds the cue for a time, the last one past the end', () => {
    const cues = parseThumbnailVTT(track, base);
    expect(cueAt(cues, 0)!.x).toBe(0);
    expect(cueAt(cues, 3.99)!.x).toBe(160);
    expect(cueAt(cues, 4)!.y).toBe(90);
    expect(cueAt(cues, 99)!.y).toBe(90);
    expect(cueAt([], 1)).toBeNull();
  });

  it('finds the track next to the master playlist', () => {
    expect(thumbnailsURL('/media/abc/master.m3u8', 'http://tv.example.org/watch/1')).toBe('http://tv.example.org/media/abc/thumbs.vtt');
  });
});
