import { createClient as createWSClient } from 'graphql-ws';
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from 'urql';
import { websocketURL } from './ws';

export interface ApiClient {
  /** Tells clients apart, for React keys. */
  id: number;
  client: Client;
  dispose(): void;
}

/**
 * The app's GraphQL client: HTTP for queries and mutations, graphql-ws for
 * subscriptions. Both ride on the session cookie (same origin), so a new client
 * is made whenever the viewer logs in or out: the cache belongs to one viewer
 * and the websocket authenticates once, when it connects.
 */
let made = 0;

export function createApiClient(): ApiClient {
  const ws = createWSClient({
    url: websocketURL(window.location, '/graphql'),
    lazy: true,
    // A server restart or a deploy drops the socket; come back quietly.
    retryAttempts: 5,
  });
  const client = new Client({
    url: '/graphql',
    // Every operation is a JSON POST (urql would send short queries as GET): the server's
    // POST transport writes responses without encoding them twice, and nothing here is
    // cacheable by URL anyway, since every answer depends on the viewer.
    preferGetMethod: false,
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
  return { id: ++made, client, dispose: () => void ws.dispose() };
}
