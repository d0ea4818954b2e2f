import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The Go server (make run) listens here; the dev server forwards API, health
// and media traffic so the SPA can use same-origin relative URLs everywhere.
const backend = 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    // scripts/clean-dist.mjs empties dist/ first but keeps the committed .gitkeep.
    emptyOutDir: false,
    // The explorer page carries GraphiQL, CodeMirror and graphql-js in one
    // chunk; it is a developer tool fetched only on /playground, so its size
    // does not affect the viewer app and the default warning is just noise.
    chunkSizeWarningLimit: 1000,
    rolldownOptions: {
      input: {
        main: 'index.html',
        playground: 'playground.html',
      },
      onwarn(warning, defaultHandler) {
        // react-compiler-runtime (pulled in by GraphiQL) starts with a
        // "use no memo" directive that only tells the React Compiler to skip
        // the file. This build does not run the compiler, so dropping the
        // directive while bundling changes nothing.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE' && warning.id?.includes('/react-compiler-runtime/')) {
          return;
        }
        defaultHandler(warning);
      },
    },
  },
  server: {
    proxy: {
      '/graphql': { target: backend, ws: true },
      '/healthz': backend,
      '/media': backend,
    },
  },
  test: {
    include: ['src/**/*.test.{ts,tsx}'],
    environment: 'node',
  },
});
