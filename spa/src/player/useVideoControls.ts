import { useCallback, useEffect, useState, type RefObject } from 'react';

/**
 * The commands the control bar and the shortcuts give: each acts on the video element
 * (or the player's container, for full screen) and lets the element's own events report
 * the result back, so the page shows what the video does rather than what was asked.
 * Play is refused once playback has stopped for good.
 */
export function useVideoControls(
  videoRef: RefObject<HTMLVideoElement | null>,
  containerRef: RefObject<HTMLElement | null>,
  stopped: boolean,
) {
  const [fullscreen, setFullscreen] = useState(false);

  useEffect(() => {
    const onFs = () => setFullscreen(document.fullscreenElement === containerRef.current);
    document.addEventListener('fullscreenchange', onFs);
    return () => document.removeEventListener('fullscreenchange', onFs);
  }, [containerRef]);

  const toggle = useCallback(() => {
    const v = videoRef.current;
    if (!v || stopped) return;
    if (v.paused) void v.play().catch(() => undefined);
    else v.pause();
  }, [stopped, videoRef]);

  const seekTo = useCallback(
    (t: number) => {
      const v = videoRef.current;
      if (!v || !Number.isFinite(v.duration)) return;
      v.currentTime = Math.min(Math.max(0, t), v.duration);
    },
    [videoRef],
  );

  const seekBy = useCallback((seconds: number) => seekTo((videoRef.current?.currentTime ?? 0) + seconds), [seekTo, videoRef]);

  const toggleFullscreen = useCallback(() => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void containerRef.current?.requestFullscreen().catch(() => undefined);
  }, [containerRef]);

  const toggleMute = useCallback(() => {
    const v = videoRef.current;
    if (v) v.muted = !v.muted;
  }, [videoRef]);

  /** Steps the volume, in twentieths so repeated steps land on round values; sound comes back on. */
  const changeVolume = useCallback(
    (delta: number) => {
      const v = videoRef.current;
      if (!v) return;
      v.volume = Math.min(1, Math.max(0, Math.round((v.volume + delta) * 20) / 20));
      if (v.volume > 0) v.muted = false;
    },
    [videoRef],
  );

  /** Sets the volume from the slider; its bottom is muted. */
  const setVolumeTo = useCallback(
    (value: number) => {
      const v = videoRef.current;
      if (!v) return;
      v.volume = value;
      v.muted = v.volume === 0;
    },
    [videoRef],
  );

  return { fullscreen, toggle, seekTo, seekBy, toggleFullscreen, toggleMute, changeVolume, setVolumeTo };
}
