import { useEffect, useRef, type RefObject } from 'react';
import { useClient } from 'urql';
import { apiErrors } from '../lib/errors';
import { ReportQoeMutation } from './documents';
import { QOE_EVERY_MS, QoeMeter } from './qoe';

interface QoeOptions {
  videoRef: RefObject<HTMLVideoElement | null>;
  sessionId: string;
  /** The height of the rung showing; undefined before the first. */
  height: number | undefined;
  /** The player error that stopped playback, if one did. */
  failure: string | null;
}

/**
 * Measures the session's quality of experience from the video element's events and sends it
 * to the server every few seconds and once more when the player goes away.
 */
export function useQoe({ videoRef, sessionId, height, failure }: QoeOptions) {
  const client = useClient();
  const meterRef = useRef<QoeMeter | null>(null);
  meterRef.current ??= new QoeMeter(() => performance.now(), performance.now());
  const meter = meterRef.current;

  useEffect(() => {
    if (height) meter.rung(height);
  }, [height, meter]);
  useEffect(() => {
    if (failure) meter.failed(failure);
  }, [failure, meter]);

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return undefined;
    const handlers: [string, () => void][] = [
      ['playing', () => {
        meter.firstFrame();
        meter.resumed();
      }],
      ['waiting', () => meter.waiting(video.seeking)],
      ['seeking', () => meter.jumped()],
      ['seeked', () => meter.resumed()],
      ['timeupdate', () => meter.progress(video.currentTime)],
    ];
    for (const [name, fn] of handlers) video.addEventListener(name, fn);
    const send = () => {
      const quality = video.getVideoPlaybackQuality?.();
      if (quality) meter.droppedFrames(quality.droppedVideoFrames);
      const batch = meter.take();
      if (!batch) return;
      void client
        .mutation(ReportQoeMutation, { input: { sessionId, ...batch } })
        .toPromise()
        .then((res) => {
          // Too soon after the last: it goes with the next batch instead.
          if (apiErrors(res.error)[0]?.code === 'RATE_LIMITED') meter.restore(batch);
        });
    };
    const timer = setInterval(send, QOE_EVERY_MS);
    return () => {
      clearInterval(timer);
      for (const [name, fn] of handlers) video.removeEventListener(name, fn);
      send();
    };
  }, [client, meter, sessionId, videoRef]);
}
