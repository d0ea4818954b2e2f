/** The player's icons: one 24×24 line set, drawn in the text colour, hidden from screen readers (the buttons carry the names). */
import type { ReactElement } from 'react';

type Name = 'play' | 'pause' | 'back10' | 'forward10' | 'fullscreen' | 'exitFullscreen' | 'back';

const PATHS: Record<Name, ReactElement> = {
  play: <path d="M7 4.5v15l12.5-7.5z" fill="currentColor" stroke="none" />,
  pause: (
    <>
      <rect x="6" y="4.5" width="4" height="15" rx="1" fill="currentColor" stroke="none" />
      <rect x="14" y="4.5" width="4" height="15" rx="1" fill="currentColor" stroke="none" />
    </>
  ),
  back10: (
    <>
      <path d="M4.5 12a7.5 7.5 0 1 0 2.2-5.3" />
      <path d="M4 3.5v4h4" />
      <text x="12" y="15.2" fontSize="7" textAnchor="middle" fill="currentColor" stroke="none" fontFamily="sans-serif">
        10
      </text>
    </>
  ),
  forward10: (
    <>
      <path d="M19.5 12a7.5 7.5 0 1 1-2.2-5.3" />
      <path d="M20 3.5v4h-4" />
      <text x="12" y="15.2" fontSize="7" textAnchor="middle" fill="currentColor" stroke="none" fontFamily="sans-serif">
        10
      </text>
    </>
  ),
  fullscreen: <path d="M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5" />,
  exitFullscreen: <path d="M9 4v5H4M20 9h-5V4M15 20v-5h5M4 15h5v5" />,
  back: <path d="M15 5l-7 7 7 7" />,
};

export function Icon({ name }: { name: Name }) {
  return (
    <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
      {PATHS[name]}
    </svg>
  );
}
