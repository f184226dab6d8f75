#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so the shop's build needs no compile step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
