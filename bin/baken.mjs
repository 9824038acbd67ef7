#!/usr/bin/env node
// Runs the TypeScript CLI directly (tsx), so `npx baken` works from a fresh clone with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../electron/backend/polyfills.ts');
const { main } = await import('../electron/cli/baken.ts');
process.exitCode = await main(process.argv.slice(2));
