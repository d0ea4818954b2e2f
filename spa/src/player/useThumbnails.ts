import { useEffect, useState } from 'react';
import { parseThumbnailVTT, thumbnailsURL, type ThumbCue } from './vtt';

/**
 * The seek thumbnails for a manifest, fetched only once the first frame shows so they
 * never compete with the start of playback; empty where the video has none.
 */
export function useThumbnails(manifestUrl: string, started: boolean): ThumbCue[] {
  const [cues, setCues] = useState<ThumbCue[]>([]);
  useEffect(() => {
    if (!started) return;
    const ctrl = new AbortController();
    const url = thumbnailsURL(manifestUrl, window.location.href);
    fetch(url, { signal: ctrl.signal })
      .then((r) => (r.ok ? r.text() : ''))
      .then((text) => setCues(parseThumbnailVTT(text, url)))
      .catch(() => undefined);
    return () => ctrl.abort();
  }, [started, manifestUrl]);
  return cues;
}
