/**
 * Child process for the device-key race test (test/backend/store/identity.test.ts), run as
 *   node --import tsx test/support/identity-child.ts DATA_DIR MARKER_FILE
 * Writes MARKER_FILE just before it loads (or creates) the device key in DATA_DIR, then prints
 * the public key, or "ERR <message>" when loading failed.
 */
import { writeFileSync } from 'node:fs';
import { loadOrCreateDeviceIdentity } from '../../electron/backend/store/identity.js';

const [dataDir, marker] = process.argv.slice(2);
if (!dataDir || !marker) {
  process.stderr.write('usage: identity-child.ts DATA_DIR MARKER_FILE\n');
  process.exit(2);
}
writeFileSync(marker, `${process.pid}\n`);
try {
  process.stdout.write(`${loadOrCreateDeviceIdentity(dataDir).publicKeyHex}\n`);
} catch (error) {
  process.stdout.write(`ERR ${error instanceof Error ? error.message : String(error)}\n`);
}
