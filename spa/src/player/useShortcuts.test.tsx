// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fire, render } from './testing';
import { shortcutFor, useShortcuts, type Shortcut, type ShortcutActions } from './useShortcuts';

const press = (key: string, over: Partial<Parameters<typeof shortcutFor>[0]> = {}) =>
  shortcutFor({ key, ctrlKey: false, metaKey: false, altKey: false, tag: 'DIV', fullscreen: false, ...over });

describe('shortcutFor', () => {
  it('maps keys to player actions', () => {
    const cases: Array<[string, Shortcut]> = [
      [' ', { action: 'toggle' }],
      ['f', { action: 'fullscreen' }],
      ['F', { action: 'fullscreen' }],
      ['m', { action: 'mute' }],
      ['M', { action: 'mute' }],
      ['c', { action: 'captions' }],
      ['C', { action: 'captions' }],
      ['ArrowLeft', { action: 'seek', by: -10 }],
      ['ArrowRight', { action: 'seek', by: 10 }],
      ['ArrowUp', { action: 'volume', by: 0.1 }],
      ['ArrowDown', { action: 'volume', by: -0.1 }],
      ['Escape', { action: 'exit' }],
    ];
    for (const [key, want] of cases) expect(press(key), JSON.stringify(key)).toEqual(want);
  });

  it('ignores other keys and keys held with a modifier', () => {
    expect(press('k')).toBeNull();
    expect(press('Enter')).toBeNull();
    expect(press('f', { ctrlKey: true })).toBeNull();
    expect(press('ArrowLeft', { metaKey: true })).toBeNull();
    expect(press('m', { altKey: true })).toBeNull();
  });

  it('leaves keys to a field being typed in', () => {
    for (const tag of ['INPUT', 'SELECT', 'TEXTAREA']) {
      for (const key of [' ', 'f', 'm', 'ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown']) {
        expect(press(key, { tag }), `${key} in ${tag}`).toBeNull();
      }
    }
  });

  it('leaves Space to a focused button or link, which it presses', () => {
    expect(press(' ', { tag: 'BUTTON' })).toBeNull();
    expect(press(' ', { tag: 'A' })).toBeNull();
    expect(press('f', { tag: 'BUTTON' })).toEqual({ action: 'fullscreen' });
    expect(press('ArrowRight', { tag: 'A' })).toEqual({ action: 'seek', by: 10 });
  });

  it('leaves Escape to the browser in full screen', () => {
    expect(press('Escape', { fullscreen: true })).toBeNull();
    expect(press('Escape', { tag: 'INPUT' })).toEqual({ action: 'exit' });
  });
});

function actions(): ShortcutActions {
  return {
    toggle: vi.fn(),
    toggleFullscreen: vi.fn(),
    toggleMute: vi.fn(),
    seekBy: vi.fn(),
    changeVolume: vi.fn(),
    toggleCaptions: vi.fn(),
    exit: vi.fn(),
  };
}

function Listener({ actions }: { actions: ShortcutActions }) {
  useShortcuts(actions);
  return (
    <div>
      <input aria-label="Search" />
      <button type="button">Other</button>
    </div>
  );
}

const key = (k: string, init: KeyboardEventInit = {}) => new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true, ...init });

describe('useShortcuts', () => {
  let view: ReturnType<typeof render> | undefined;
  afterEach(() => {
    view?.unmount();
    view = undefined;
  });

  it('calls the action for a key pressed anywhere on the page and keeps the browser from acting on it', () => {
    const a = actions();
    view = render(<Listener actions={a} />);
    expect(fire(document.body, key(' ')).defaultPrevented).toBe(true);
    fire(document.body, key('ArrowLeft'));
    fire(document.body, key('ArrowUp'));
    fire(document.body, key('m'));
    fire(document.body, key('f'));
    fire(document.body, key('Escape'));
    expect(a.toggle).toHaveBeenCalledTimes(1);
    expect(a.seekBy).toHaveBeenCalledWith(-10);
    expect(a.changeVolume).toHaveBeenCalledWith(0.1);
    expect(a.toggleMute).toHaveBeenCalledTimes(1);
    expect(a.toggleFullscreen).toHaveBeenCalledTimes(1);
    expect(a.exit).toHaveBeenCalledTimes(1);
  });

  it('does nothing while the viewer types in an input', () => {
    const a = actions();
    view = render(<Listener actions={a} />);
    const input = view.container.querySelector('input')!;
    for (const k of [' ', 'f', 'm', 'ArrowLeft', 'ArrowDown']) {
      expect(fire(input, key(k)).defaultPrevented, k).toBe(false);
    }
    for (const fn of Object.values(a)) expect(fn).not.toHaveBeenCalled();
  });

  it('leaves Space to a focused button and keys with modifiers to the browser', () => {
    const a = actions();
    view = render(<Listener actions={a} />);
    expect(fire(view.container.querySelector('button')!, key(' ')).defaultPrevented).toBe(false);
    expect(fire(document.body, key('f', { ctrlKey: true })).defaultPrevented).toBe(false);
    expect(a.toggle).not.toHaveBeenCalled();
    expect(a.toggleFullscreen).not.toHaveBeenCalled();
  });

  it('uses the latest actions after a re-render and stops listening once unmounted', () => {
    const first = actions();
    const second = actions();
    view = render(<Listener actions={first} />);
    view.rerender(<Listener actions={second} />);
    fire(document.body, key('ArrowRight'));
    expect(first.seekBy).not.toHaveBeenCalled();
    expect(second.seekBy).toHaveBeenCalledWith(10);
    view.unmount();
    view = undefined;
    fire(document.body, key('ArrowRight'));
    expect(second.seekBy).toHaveBeenCalledTimes(1);
  });
});
