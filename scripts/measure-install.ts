// What a browser-only shop installs: `npm pack`, the tarball installed into an empty folder,
// then the package count, node_modules size and install scripts. Writes bench/results/install.json
// (quoted by the README). Run: npm run build && npx tsx scripts/measure-install.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installShop, makeShopFolder, packLibrary, removeShopFolder, REPO } from '../test/consumers/shop.js';

const folder = makeShopFolder();
try {
  const tarball = packLibrary(folder);
  const install = installShop(tarball, join(folder, 'shop'));
  const result = {
    measuredAt: new Date().toISOString(),
    command: 'npm run build && npx tsx scripts/measure-install.ts',
    packages: install.packages,
    nodeModulesMB: Number((install.bytes / 1e6).toFixed(2)),
    installScripts: install.installScripts,
  };
  mkdirSync(join(REPO, 'bench/results'), { recursive: true });
  writeFileSync(join(REPO, 'bench/results/install.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(result);
} finally {
  removeShopFolder(folder);
}
