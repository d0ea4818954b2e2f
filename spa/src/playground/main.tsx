import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// Bundled rather than linked from a CDN so the explorer works on an offline
// self-hosted install; the stylesheet inlines its fonts.
import 'graphiql/style.css';
import './playground.css';
import { websocketURL } from '../lib/ws';
import { DEFAULT_QUERY } from './defaultQuery';
import { sameOriginJSONFetch } from './fetch';
import { patchAccessibility } from './a11y';

const fetcher = createGraphiQLFetcher({
  url: '/graphql',
  subscriptionUrl: websocketURL(window.location, '/graphql'),
  fetch: sameOriginJSONFetch(),
});

const root = document.getElementById('root');
if (!root) {
  throw new Error('playground.html is missing #root');
}

patchAccessibility(root);
createRoot(root).render(
  <StrictMode>
    <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} />
  </StrictMode>,
);
