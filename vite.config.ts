import { defineConfig } from 'vite';

// One config for three jobs:
// - `vite` (npm start): dev server at the repo root; the storefront is /demo/, browser-test
//   fixture pages are /test/fixtures/, generated catalogs are served from public/.
// - `vite build` (npm run build): the library: dist/index.js (page entry, no tfjs) plus the
//   worker chunk that bundles tfjs, idb and comlink.
export default defineConfig({
  appType: 'mpa',
  // Relative asset URLs: dist/ works wherever a shop serves it, not only at the site root.
  base: './',
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
  build: {
    outDir: 'dist',
    // Clean: a stale worker chunk would ship beside the new one (types are written after, by tsc).
    emptyOutDir: true,
    // public/ holds the demo's and benchmark's generated catalogs: not part of the library.
    copyPublicDir: false,
    target: 'es2022',
    assetsInlineLimit: 0,
    minify: true,
    lib: { entry: 'src/index.ts', formats: ['es'], fileName: 'index' },
    rolldownOptions: { external: [] },
  },
});
