import { act, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';

// Tells React that updates happen inside act(), so it applies them before act returns
// and warns about any that escape it.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/**
 * Renders into a fresh element of the test's document and returns it with a way to
 * render again and to unmount. Needs a DOM test environment (happy-dom).
 */
export function render(node: ReactNode) {
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  act(() => root.render(node));
  return {
    container,
    rerender(next: ReactNode) {
      act(() => root.render(next));
    },
    unmount() {
      act(() => root.unmount());
      container.remove();
    },
  };
}

/** Dispatches an event the way a browser would for the viewer's action, inside act(). */
export function fire(target: EventTarget, event: Event) {
  act(() => {
    target.dispatchEvent(event);
  });
  return event;
}
