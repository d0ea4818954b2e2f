import { useEffect, useRef } from 'react';

/** What a key asks the player to do. */
export type Shortcut =
  | { action: 'toggle' }
  | { action: 'fullscreen' }
  | { action: 'mute' }
  | { action: 'seek'; by: number }
  | { action: 'volume'; by: number }
  | { action: 'captions' }
  | { action: 'exit' };

/** Seconds the arrow keys skip. */
export const SEEK_STEP_SECONDS = 10;
/** How much the arrow keys change the volume (of 1). */
export const VOLUME_STEP = 0.1;

interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** The focused element's tag name, upper case as the DOM gives it; empty for none. */
  tag: string;
  /** Whether something is in full screen, where Escape belongs to the browser. */
  fullscreen: boolean;
}

/**
 * The shortcut a key press means, or null where it is left alone: with a modifier
 * (the browser's own shortcuts), while typing in a field, and Space on a button or link,
 * which presses it.
 */
export function shortcutFor(k: KeyPress): Shortcut | null {
  if (k.ctrlKey || k.metaKey || k.altKey) return null;
  const typing = k.tag === 'INPUT' || k.tag === 'SELECT' || k.tag === 'TEXTAREA';
  const control = typing || k.tag === 'BUTTON' || k.tag === 'A';
  switch (k.key) {
    case ' ':
      return control ? null : { action: 'toggle' };
    case 'f':
    case 'F':
      return typing ? null : { action: 'fullscreen' };
    case 'm':
    case 'M':
      return typing ? null : { action: 'mute' };
    case 'c':
    case 'C':
      return typing ? null : { action: 'captions' };
    case 'ArrowLeft':
    case 'ArrowRight':
      return typing ? null : { action: 'seek', by: k.key === 'ArrowLeft' ? -SEEK_STEP_SECONDS : SEEK_STEP_SECONDS };
    case 'ArrowUp':
    case 'ArrowDown':
      return typing ? null : { action: 'volume', by: k.key === 'ArrowUp' ? VOLUME_STEP : -VOLUME_STEP };
    case 'Escape':
      return k.fullscreen ? null : { action: 'exit' };
    default:
      return null;
  }
}

export interface ShortcutActions {
  toggle(): void;
  toggleFullscreen(): void;
  toggleMute(): void;
  /** Moves the playhead by this many seconds. */
  seekBy(seconds: number): void;
  /** Changes the volume by this much (of 1). */
  changeVolume(delta: number): void;
  /** Turns subtitles on (the last language chosen) or off. */
  toggleCaptions(): void;
  exit(): void;
}

/**
 * The player's keyboard shortcuts, listened for on the whole window so they work
 * wherever focus is, but left to the focused control where it has a meaning for the key.
 */
export function useShortcuts(actions: ShortcutActions) {
  // The listener reads the latest actions, so it is added once rather than on every render.
  const latest = useRef(actions);
  useEffect(() => {
    latest.current = actions;
  });

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const s = shortcutFor({
        key: e.key,
        ctrlKey: e.ctrlKey,
        metaKey: e.metaKey,
        altKey: e.altKey,
        tag: (e.target as Element | null)?.tagName ?? '',
        fullscreen: document.fullscreenElement != null,
      });
      if (!s) return;
      const a = latest.current;
      switch (s.action) {
        case 'toggle':
          a.toggle();
          break;
        case 'fullscreen':
          a.toggleFullscreen();
          break;
        case 'mute':
          a.toggleMute();
          break;
        case 'seek':
          a.seekBy(s.by);
          break;
        case 'volume':
          a.changeVolume(s.by);
          break;
        case 'captions':
          a.toggleCaptions();
          break;
        case 'exit':
          a.exit();
          break;
      }
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
