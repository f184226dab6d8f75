import { execFileSync } from 'node:child_process';

/** Catalogs come from the real data through the CLI, before any browser starts. */
export default function globalSetup(): void {
  execFileSync(process.execPath, ['scripts/build-catalogs.mjs'], { stdio: 'inherit' });
  // A small catalog with every field rules and rails read (brands, stock, repeat rates): made here, in a second.
  execFileSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'test/make-shop-catalogs.ts'], { stdio: 'inherit' });
}
