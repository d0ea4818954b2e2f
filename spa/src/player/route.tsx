import { lazy, Suspense, type ComponentType } from 'react';

type PlayerModule = { default: ComponentType };

let loaded: PlayerModule | null = null;

/** Fetches the player's chunk (hls.js is most of it); the title page calls this early. */
export function preloadPlayer(): Promise<PlayerModule> {
  return import('./PlayerPage').then((m) => (loaded = m));
}

const LazyPlayer = lazy(preloadPlayer);

/**
 * The /watch route. Once the chunk is in, the player renders straight away: going
 * through lazy() again would suspend for a tick, and React holds a revealed Suspense
 * boundary back for up to 300 ms, which is most of a quick start.
 */
export function PlayerRoute() {
  if (loaded) {
    const Player = loaded.default;
    return <Player />;
  }
  return (
    <Suspense fallback={<div className="player-loading" role="status">Loading player…</div>}>
      <LazyPlayer />
    </Suspense>
  );
}
