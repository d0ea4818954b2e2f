import { useEffect, useRef, useState } from 'react';
import { countdownLeft } from './progress';

export interface UpNextItem {
  titleId: string;
  episodeId: string | null;
  name: string;
  reason: string;
  posterUrl: string | null;
}

const COUNTDOWN_SECONDS = 10;

/**
 * At the end: what is next, starting by itself after a countdown unless the viewer cancels,
 * which puts the card away and leaves them on the video.
 */
export function UpNextOverlay({
  items,
  onPlay,
  onClose,
  onDismiss,
}: {
  items: UpNextItem[];
  onPlay(item: UpNextItem): void;
  onClose(): void;
  onDismiss(): void;
}) {
  const first = items[0];
  const [left, setLeft] = useState(COUNTDOWN_SECONDS);
  const [paused, setPaused] = useState(false);
  const playNow = useRef<HTMLButtonElement>(null);
  // The countdown calls the latest onPlay without restarting when the page renders again
  // (a heartbeat, a pointer move) and hands it a new function.
  const play = useRef(onPlay);
  useEffect(() => {
    play.current = onPlay;
  });

  useEffect(() => playNow.current?.focus(), []);
  useEffect(() => {
    if (!first || paused) return;
    const startedAt = Date.now();
    const t = setInterval(() => {
      const n = countdownLeft(COUNTDOWN_SECONDS, startedAt, Date.now());
      setLeft(n);
      if (n === 0) {
        clearInterval(t);
        play.current(first);
      }
    }, 250);
    return () => clearInterval(t);
  }, [first, paused]);

  return (
    <div className="player-overlay">
      <section className="overlay-card up-next" aria-labelledby="up-next-heading">
        {first ? (
          <>
            {first.posterUrl && <img className="up-next-art" src={first.posterUrl} alt="" />}
            <h2 id="up-next-heading">Up next</h2>
            <p className="muted">{first.reason}</p>
            <p className="up-next-name">{first.name}</p>
            {!paused && <p aria-live="off">Starting in {left} s</p>}
            <div className="title-actions">
              <button type="button" className="primary" ref={playNow} onClick={() => onPlay(first)}>
                Play now
              </button>
              <button
                type="button"
                onClick={() => {
                  setPaused(true);
                  onDismiss();
                }}
              >
                Cancel
              </button>
              <button type="button" onClick={onClose}>
                Back to the title
              </button>
            </div>
            {items.length > 1 && (
              <ul className="up-next-more" aria-label="More suggestions">
                {items.slice(1, 4).map((it) => (
                  <li key={`${it.titleId}:${it.episodeId ?? ''}`}>
                    <button type="button" className="link-button" onClick={() => onPlay(it)}>
                      {it.name}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </>
        ) : (
          <>
            <h2 id="up-next-heading">That's the end</h2>
            <button type="button" className="primary" ref={playNow} onClick={onClose}>
              Back to the title
            </button>
          </>
        )}
      </section>
    </div>
  );
}
