// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Controls, type ControlsProps } from './Controls';
import { fire, render } from './testing';

const levels = [
  { width: 426, height: 240, bitrate: 556_000 },
  { width: 1280, height: 720, bitrate: 3_000_000 },
  { width: 640, height: 360, bitrate: 922_000 },
];

function props(over: Partial<ControlsProps> = {}): ControlsProps {
  return {
    playing: false,
    time: 30,
    duration: 120,
    volume: 1,
    muted: false,
    fullscreen: false,
    cues: [],
    levels,
    level: -1,
    choice: -1,
    beat: undefined,
    onToggle: vi.fn(),
    onSeek: vi.fn(),
    onToggleMute: vi.fn(),
    onVolume: vi.fn(),
    onQuality: vi.fn(),
    onToggleFullscreen: vi.fn(),
    ...over,
  };
}

const button = (root: Element, name: string) => {
  const b = root.querySelector<HTMLButtonElement>(`button[aria-label="${name}"]`);
  if (!b) throw new Error(`no button labelled ${name}`);
  return b;
};

const menuButton = (root: Element, name: string) => {
  const b = [...root.querySelectorAll<HTMLButtonElement>('button[aria-haspopup="menu"]')].find((e) => e.textContent?.startsWith(`${name}:`));
  if (!b) throw new Error(`no menu ${name}`);
  return b;
};

describe('Controls', () => {
  let view: ReturnType<typeof render> | undefined;
  afterEach(() => {
    view?.unmount();
    view = undefined;
  });

  it('offers Play while paused and Pause while playing, and toggles on click', () => {
    const p = props();
    view = render(<Controls {...p} />);
    expect(view.container.querySelector('button[aria-label="Pause"]')).toBeNull();
    fire(button(view.container, 'Play'), new MouseEvent('click', { bubbles: true }));
    expect(p.onToggle).toHaveBeenCalledTimes(1);

    view.rerender(<Controls {...p} playing />);
    expect(view.container.querySelector('button[aria-label="Play"]')).toBeNull();
    // An icon, not a text glyph: nothing for a screen reader to read twice.
    expect(button(view.container, 'Pause').textContent).toBe('');
    expect(button(view.container, 'Pause').querySelector('svg[aria-hidden="true"]')).not.toBeNull();
  });

  it('lists Auto and the rungs given, best first, with the chosen one ticked', () => {
    view = render(<Controls {...props({ level: 2, choice: 1 })} />);
    const menu = menuButton(view.container, 'Quality');
    expect(menu.textContent).toBe('Quality: 720p');
    expect(menu.getAttribute('aria-expanded')).toBe('false');
    fire(menu, new MouseEvent('click', { bubbles: true }));
    expect(menu.getAttribute('aria-expanded')).toBe('true');
    const items = [...view.container.querySelectorAll('[role="menu"] [role="menuitemradio"]')];
    expect(items.map((i) => [i.textContent, i.getAttribute('aria-checked')])).toEqual([
      ['Auto (360p)', 'false'],
      ['720p', 'true'],
      ['360p', 'false'],
      ['240p', 'false'],
    ]);
    // The chosen rung is not the one showing yet.
    expect(view.container.textContent).toContain('switching…');
    expect(view.container.querySelector('.playing-rung')?.textContent).toBe('Playing at 360p');
  });

  it('calls back with the level index the viewer picks, and closes', () => {
    const p = props();
    view = render(<Controls {...p} />);
    const pick = (label: string) => {
      fire(menuButton(view!.container, 'Quality'), new MouseEvent('click', { bubbles: true }));
      const item = [...view!.container.querySelectorAll<HTMLButtonElement>('[role="menuitemradio"]')].find((i) => i.textContent === label)!;
      fire(item, new MouseEvent('click', { bubbles: true }));
    };
    pick('240p');
    expect(p.onQuality).toHaveBeenCalledWith(0);
    expect(view.container.querySelector('[role="menu"]')).toBeNull();
    view.rerender(<Controls {...p} choice={0} />);
    pick('Auto');
    expect(p.onQuality).toHaveBeenLastCalledWith(-1);
  });

  it('moves through the menu with the keyboard and closes on Escape', () => {
    const p = props();
    view = render(<Controls {...p} />);
    const menu = menuButton(view.container, 'Quality');
    fire(menu, new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
    const list = view.container.querySelector('[role="menu"]')!;
    expect(document.activeElement?.textContent).toBe('Auto');
    fire(list, new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
    expect(document.activeElement?.textContent).toBe('720p');
    fire(list, new KeyboardEvent('keydown', { key: 'End', bubbles: true }));
    expect(document.activeElement?.textContent).toBe('240p');
    fire(list, new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
    expect(document.activeElement?.textContent).toBe('Auto');
    fire(list, new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(view.container.querySelector('[role="menu"]')).toBeNull();
    expect(document.activeElement).toBe(menu);
    expect(p.onQuality).not.toHaveBeenCalled();
  });

  it('shows no quality menu before the renditions are known', () => {
    view = render(<Controls {...props({ levels: [] })} />);
    expect(view.container.querySelector('[aria-haspopup="menu"]')).toBeNull();
    expect(view.container.querySelector('.playing-rung')).toBeNull();
  });

  it('skips ten seconds either way from the playhead', () => {
    const p = props({ time: 30 });
    view = render(<Controls {...p} />);
    fire(button(view.container, 'Back 10 seconds'), new MouseEvent('click', { bubbles: true }));
    fire(button(view.container, 'Forward 10 seconds'), new MouseEvent('click', { bubbles: true }));
    expect(p.onSeek).toHaveBeenNthCalledWith(1, 20);
    expect(p.onSeek).toHaveBeenNthCalledWith(2, 40);
  });

  it('names the sound and full-screen buttons for what they will do', () => {
    const p = props();
    view = render(<Controls {...p} />);
    fire(button(view.container, 'Mute'), new MouseEvent('click', { bubbles: true }));
    fire(button(view.container, 'Full screen'), new MouseEvent('click', { bubbles: true }));
    expect(p.onToggleMute).toHaveBeenCalledTimes(1);
    expect(p.onToggleFullscreen).toHaveBeenCalledTimes(1);
    view.rerender(<Controls {...p} muted fullscreen />);
    button(view.container, 'Unmute');
    button(view.container, 'Exit full screen');
    expect(view.container.querySelector<HTMLInputElement>('input[aria-label="Volume"]')!.value).toBe('0');
  });

  it('shows the time and the stream count the heartbeats report', () => {
    view = render(<Controls {...props({ time: 83, duration: 3723 })} />);
    expect(view.container.querySelector('.time')?.textContent).toBe('1:23 / 1:02:03');
    const status = view.container.querySelector('[data-beats]')!;
    expect(status.textContent).toBe('Connecting…');
    expect(status.getAttribute('data-beats')).toBe('0');

    view.rerender(<Controls {...props({ beat: { count: 3, status: 'ACTIVE', activeStreams: 1, maxStreams: 2 } })} />);
    expect(status.textContent).toBe('1 of 2 screens in use');
    expect(status.getAttribute('data-beats')).toBe('3');
    expect(status.getAttribute('data-status')).toBe('ACTIVE');
  });
});
