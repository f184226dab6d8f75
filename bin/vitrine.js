#!/usr/bin/env node
// In this repository: the CLI run from its TypeScript sources through tsx (a devDependency), so
// scripts and docs need no build step. The package ships the bundled dist/cli/vitrine.js instead
// (package.json "bin"), which needs neither tsx nor any installed dependency.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
