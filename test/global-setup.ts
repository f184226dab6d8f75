import { execFileSync } from 'node:child_process';

/** Catalogs come from the real data through the CLI, before any browser starts. */
export default function globalSetup(): void {
  execFileSync(process.execPath, ['scripts/build-catalogs.mjs'], { stdio: 'inherit' });
}
