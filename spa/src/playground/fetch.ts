/**
 * Wraps fetch for the explorer's HTTP requests.
 *
 * The session lives in a cookie, so credentials must be sent. The server
 * refuses cookie-carrying POSTs whose body is not declared as JSON (a CSRF
 * guard), and the toolkit merges headers from GraphiQL's headers editor on top
 * of its own content-type as plain object keys: a differently-cased
 * "Content-Type" typed there would be joined with the default into an invalid
 * value. The body the toolkit sends is always JSON, so pin the header here.
 */
export function sameOriginJSONFetch(
  base: typeof fetch = (input, init) => fetch(input, init),
): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    if (init?.body != null) {
      headers.set('Content-Type', 'application/json');
    }
    return base(input, { ...init, headers, credentials: 'same-origin' });
  };
}
