/** The parts of window.location the URL derivation depends on. */
export interface LocationLike {
  protocol: string;
  host: string;
}

/**
 * Builds an absolute websocket URL for a same-origin path. WebSocket needs an
 * absolute ws:/wss: URL, and a page served over HTTPS may only open wss:, so
 * the scheme has to follow the page's.
 */
export function websocketURL(location: LocationLike, path: string): string {
  let scheme: string;
  switch (location.protocol) {
    case 'http:':
      scheme = 'ws:';
      break;
    case 'https:':
      scheme = 'wss:';
      break;
    default:
      throw new Error(`cannot derive a websocket URL from a ${location.protocol} page`);
  }
  const rooted = path.startsWith('/') ? path : `/${path}`;
  return `${scheme}//${location.host}${rooted}`;
}
