import { useEffect } from 'react';

export const SITE = 'Marquee';

/** A page's document title: "The Lantern Keeper — Marquee", or the site's name alone. */
export function pageTitle(name?: string | null): string {
  const n = name?.trim();
  return n ? `${n} — ${SITE}` : SITE;
}

/** Names the browser tab (and history entry) after the screen showing, unless disabled. */
export function useTitle(name?: string | null, enabled = true) {
  useEffect(() => {
    if (enabled) document.title = pageTitle(name);
  }, [name, enabled]);
}
