// A shop's esbuild build. esbuild leaves `new URL('./file.js', import.meta.url)` alone, so the
// library's two other files are copied next to the bundle: the step README "Bundlers" names.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist');
mkdirSync(out, { recursive: true });
await build({ entryPoints: [join(here, '../shop.js')], bundle: true, format: 'esm', minify: true, outfile: join(out, 'main.js') });
const vitrineDist = dirname(createRequire(join(here, 'build.mjs')).resolve('vitrine'));
for (const file of ['vitrine-worker.js', 'vitrine-tfjs.js']) copyFileSync(join(vitrineDist, file), join(out, file));
copyFileSync(join(here, 'index.html'), join(out, 'index.html'));
