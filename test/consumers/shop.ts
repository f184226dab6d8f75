// Sets up a shop the way a shop gets Vitrine: `npm pack` of this repository, the tarball installed
// into an empty folder outside it (so nothing resolves from this repository's node_modules), the
// CLI run from that install to train a catalog from real data, and the fixture apps built with
// their own bundlers. Build tools come from this repository's devDependencies, linked in after
// the install is measured, so CI downloads nothing twice.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, lstatSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { catalogRecipes } from '../../scripts/catalog-recipes.mjs';

export const REPO = resolve(import.meta.dirname, '../..');
const APPS = join(import.meta.dirname, 'apps');
const DATA = process.env.VITRINE_DATA ?? resolve(REPO, '../shared/data');

export interface Install {
  packages: number;
  bytes: number;
  installScripts: string[];
}

const run = (cwd: string, command: string, args: string[], timeout = 300_000): string =>
  execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' },
  });

/** Bytes of the files under `path`; links (node_modules/.bin) are not followed. */
function duBytes(path: string): number {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return 0;
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + duBytes(join(path, name)), 0);
}

/** Every package.json under node_modules (scoped and nested), as installed. */
function installedPackages(nodeModules: string): Array<{ name: string; scripts: Record<string, string> }> {
  const found: Array<{ name: string; scripts: Record<string, string> }> = [];
  const visit = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      if (name.startsWith('.')) continue;
      const path = join(dir, name);
      if (name.startsWith('@')) visit(path);
      else if (existsSync(join(path, 'package.json'))) {
        const pkg = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as { name: string; scripts?: Record<string, string> };
        found.push({ name: pkg.name, scripts: pkg.scripts ?? {} });
        visit(join(path, 'node_modules'));
      }
    }
  };
  visit(nodeModules);
  return found;
}

/** `npm pack` of the repository as it stands (the test command builds dist/ first). */
export function packLibrary(into: string): string {
  if (!existsSync(join(REPO, 'dist/index.js')) || !existsSync(join(REPO, 'dist/cli/vitrine.js'))) {
    throw new Error('dist/ is not built: run `npm run build` (npm test does) before the consumer tests.');
  }
  const out = JSON.parse(run(REPO, 'npm', ['pack', '--json', '--pack-destination', into])) as Array<{ filename: string }>;
  return join(into, out[0]!.filename);
}

/** A shop folder with only the tarball installed; measures what the install brought. */
export function installShop(tarball: string, shop: string): Install {
  mkdirSync(shop, { recursive: true });
  run(shop, 'npm', ['init', '-y']);
  run(shop, 'npm', ['pkg', 'set', 'type=module']);
  run(shop, 'npm', ['install', tarball]);
  const packages = installedPackages(join(shop, 'node_modules'));
  const lifecycle = ['preinstall', 'install', 'postinstall', 'prepare'];
  return {
    packages: packages.length,
    bytes: duBytes(join(shop, 'node_modules')),
    installScripts: packages.filter((p) => lifecycle.some((s) => s in p.scripts)).map((p) => p.name),
  };
}

/** The shop's CLI, as `npx vitrine` runs it from the install (`--no`: never from the registry; `--`: its flags are the CLI's, not npx's). */
export const vitrineCli = (shop: string, ...args: string[]): string => run(shop, 'npx', ['--no', '--', 'vitrine', ...args], 600_000);

/** Trains the fixture catalog (with a small SASRec encoder) from real data, with the installed CLI. */
export function trainCatalog(shop: string): string {
  const out = join(shop, 'site');
  mkdirSync(out, { recursive: true });
  // The recipe the browser tests' encoder catalog is built with, here run by the installed CLI.
  vitrineCli(shop, ...catalogRecipes(DATA, REPO)['scientific-encoder.vcat']!, '--quiet', '--out', join(out, 'catalog.vcat'));
  return out;
}

/** Copies the fixture apps into the shop, links the build tools in, builds them. */
export function buildApps(shop: string, site: string): void {
  cpSync(APPS, shop, { recursive: true });
  for (const tool of ['vite', 'webpack', 'esbuild']) symlinkSync(join(REPO, 'node_modules', tool), join(shop, 'node_modules', tool), 'dir');
  for (const app of ['vite/public', 'webpack/dist', 'esbuild/dist', '.']) {
    mkdirSync(join(shop, app), { recursive: true });
  }
  cpSync(site, join(shop, 'vite/public'), { recursive: true });
  const vite = join(shop, 'node_modules/vite/bin/vite.js');
  run(join(shop, 'vite'), process.execPath, [vite, 'build', '--logLevel', 'warn']);
  run(join(shop, 'webpack'), process.execPath, ['build.mjs']);
  run(join(shop, 'esbuild'), process.execPath, ['build.mjs']);
  for (const app of ['webpack/dist', 'esbuild/dist', '.']) cpSync(site, join(shop, app), { recursive: true });
}

/** A temporary folder outside the repository for one run. */
export const makeShopFolder = (): string => mkdtempSync(join(tmpdir(), 'vitrine-shop-'));
export const removeShopFolder = (path: string): void => rmSync(path, { recursive: true, force: true });

/** `vite` (dev server) or `vite preview` in a fixture app; resolves once it answers. */
export async function startVite(cwd: string, mode: 'dev' | 'preview'): Promise<{ origin: string; stop: () => void }> {
  const port = await freePort();
  const args = [
    join(cwd, '../node_modules/vite/bin/vite.js'),
    ...(mode === 'preview' ? ['preview'] : []),
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--strictPort',
  ];
  const child: ChildProcess = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const origin = await new Promise<string>((resolveOrigin, reject) => {
    const timer = setTimeout(() => reject(new Error(`vite ${mode} did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      // eslint-disable-next-line no-control-regex
      const match = /http:\/\/127\.0\.0\.1:(\d+)/.exec(output.replace(/\x1b\[[0-9;]*m/g, ''));
      if (match) {
        clearTimeout(timer);
        resolveOrigin(`http://127.0.0.1:${match[1]}`);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`vite ${mode} exited (${code}):\n${output}`)));
  });
  return { origin, stop: () => void child.kill() };
}

function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolvePort(port));
    });
  });
}
