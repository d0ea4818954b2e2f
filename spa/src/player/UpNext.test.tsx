// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act } from 'react';
import { UpNextOverlay, type UpNextItem } from './UpNext';
import { render } from './testing';

const items: UpNextItem[] = [
  { titleId: '7', episodeId: null, name: 'The Lantern Keeper', reason: 'More like this', posterUrl: null },
];

describe('UpNextOverlay', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    document.body.innerHTML = '';
  });

  it('plays the first suggestion after ten seconds, once', () => {
    const onPlay = vi.fn();
    render(<UpNextOverlay items={items} onPlay={onPlay} onClose={vi.fn()} onDismiss={vi.fn()} />);
    act(() => vi.advanceTimersByTime(9_000));
    expect(onPlay).not.toHaveBeenCalled();
    act(() => vi.advanceTimersByTime(1_500));
    expect(onPlay).toHaveBeenCalledTimes(1);
    expect(onPlay).toHaveBeenCalledWith(items[0]);
  });

  it('keeps counting when the page renders it again with a new callback', () => {
    const first = vi.fn();
    const latest = vi.fn();
    const view = render(<UpNextOverlay items={items} onPlay={first} onClose={vi.fn()} onDismiss={vi.fn()} />);
    act(() => vi.advanceTimersByTime(6_000));
    // A heartbeat re-renders the page, which passes a fresh function.
    view.rerender(<UpNextOverlay items={items} onPlay={latest} onClose={vi.fn()} onDismiss={vi.fn()} />);
    act(() => vi.advanceTimersByTime(4_500));
    expect(first).not.toHaveBeenCalled();
    expect(latest).toHaveBeenCalledTimes(1);
  });

  it('stops counting and goes away on Cancel', () => {
    const onPlay = vi.fn();
    const onDismiss = vi.fn();
    const view = render(<UpNextOverlay items={items} onPlay={onPlay} onClose={vi.fn()} onDismiss={onDismiss} />);
    const cancel = [...view.container.querySelectorAll('button')].find((b) => b.textContent === 'Cancel');
    expect(cancel).toBeDefined();
    act(() => cancel!.click());
    expect(onDismiss).toHaveBeenCalledTimes(1);
    act(() => vi.advanceTimersByTime(20_000));
    expect(onPlay).not.toHaveBeenCalled();
  });

  it('shows the artwork of what is next', () => {
    const view = render(<UpNextOverlay items={[{ ...items[0]!, posterUrl: '/p.jpg' }]} onPlay={vi.fn()} onClose={vi.fn()} onDismiss={vi.fn()} />);
    expect(view.container.querySelector('img.up-next-art')?.getAttribute('src')).toBe('/p.jpg');
  });
});
