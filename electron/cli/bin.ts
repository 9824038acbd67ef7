/**
 * The `baken` command's entry point. bin/baken.mjs runs its build (dist/electron/cli/bin.js); tests
 * run this source with `node --import tsx electron/cli/bin.ts` (test/support/cli.ts).
 */
// First, before anything that may load libp2p (it needs Promise.withResolvers on Node 20).
import '../backend/polyfills.js';
import { main } from './baken.js';

process.exitCode = await main(process.argv.slice(2));
