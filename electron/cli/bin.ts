/**
 * The `baken` command's entry point. bin/baken.mjs runs its build (dist/electron/cli/bin.js); tests
 * run this source with `node --import tsx electron/cli/bin.ts` (test/support/cli.ts).
 */
// libp2p's polyfill (Promise.withResolvers on Node 20) is loaded by the backend module that loads libp2p.
import { main } from './baken.js';

process.exitCode = await main(process.argv.slice(2));
