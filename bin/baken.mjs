#!/usr/bin/env node
// Runs the built CLI (dist/, made by `npm run build`, which `npm ci` runs): no TypeScript at run time.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/electron/cli/bin.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('baken: the CLI is not built (no dist/electron/cli/bin.js); run npm run build\n');
  process.exit(1);
}
await import(entry.href);
