import { describe, expect, it } from 'vitest';
import { sameOriginJSONFetch } from './fetch';

function recorder() {
  const calls: { input: RequestInfo | URL; init: RequestInit | undefined }[] = [];
  const base: typeof fetch = async (input, init) => {
    calls.push({ input, init });
    return new Response('{}', { headers: { 'Content-Type': 'application/json' } });
  };
  return { calls, base };
}

describe('sameOriginJSONFetch', () => {
  it('sends the session cookie and declares a JSON body', async () => {
    const { calls, base } = recorder();
    await sameOriginJSONFetch(base)('/graphql', { method: 'POST', body: '{"query":"{me{id}}"}' });

    expect(calls).toHaveLength(1);
    const init = calls[0]!.init!;
    expect(calls[0]!.input).toBe('/graphql');
    expect(init.method).toBe('POST');
    expect(init.body).toBe('{"query":"{me{id}}"}');
    expect(init.credentials).toBe('same-origin');
    expect(new Headers(init.headers).get('content-type')).toBe('application/json');
  });

  it('replaces a conflicting content type from the headers editor but keeps other headers', async () => {
    const { calls, base } = recorder();
    await sameOriginJSONFetch(base)('/graphql', {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json', 'Content-Type': 'text/plain', 'X-Trace': 'abc' },
    });

    const headers = new Headers(calls[0]!.init!.headers);
    expect(headers.get('content-type')).toBe('application/json');
    expect(headers.get('x-trace')).toBe('abc');
  });

  it('overrides a caller-supplied credentials mode', async () => {
    const { calls, base } = recorder();
    await sameOriginJSONFetch(base)('/graphql', { method: 'POST', body: '{}', credentials: 'omit' });
    expect(calls[0]!.init!.credentials).toBe('same-origin');
  });

  it('does not invent a content type for bodiless requests', async () => {
    const { calls, base } = recorder();
    await sameOriginJSONFetch(base)('/graphql');
    expect(new Headers(calls[0]!.init!.headers).has('content-type')).toBe(false);
  });
});
