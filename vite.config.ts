import { defineConfig } from 'vite';

// The dev server (npm start, the browser tests): at the repo root, the storefront is /demo/,
// browser-test fixture pages are /test/fixtures/, generated catalogs are served from public/.
// The library itself is built by scripts/build-library.mjs (npm run build): three self-contained
// files a shop's bundler can handle, which vite's own lib mode does not produce.
export default defineConfig({
  appType: 'mpa',
  // The demo imports the library by name, as a shop would.
  resolve: { alias: { vitrine: new URL('./src/index.ts', import.meta.url).pathname } },
  server: { port: 5173, strictPort: false, open: false },
  preview: { port: 4173 },
  worker: { format: 'es' },
  // Pre-bundle the worker's dependencies at start-up. Discovered late (a worker's imports are not
  // crawled), vite re-optimises mid-session and the worker's next import answers 504: it dies.
  optimizeDeps: {
    include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-backend-wasm', 'comlink', 'idb', 'minisearch'],
  },
});
