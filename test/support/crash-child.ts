/**
 * Child process for the crash test (test/backend/store/crash.test.ts), run as
 *   node --import tsx test/support/crash-child.ts DATA_DIR INCIDENT_ID SEED
 * Opens the log, prints "ready", then appends entries to the incident forever. Each entry's id is
 * printed on its own line only after log.add returned, with a synchronous write, so every id the
 * parent reads was acknowledged to the caller. The parent kills this process with SIGKILL.
 */
import { writeSync } from 'node:fs';
import { openTestBackend } from './backend.js';

const [dataDir, incident, seedText] = process.argv.slice(2);
if (!dataDir || !incident) {
  process.stderr.write('usage: crash-child.ts DATA_DIR INCIDENT_ID [SEED]\n');
  process.exit(2);
}

let state = Number(seedText ?? 1) >>> 0 || 1;
const random = (): number => {
  // xorshift32: cheap and deterministic for a given seed
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state / 2 ** 32;
};

const kinds = ['melding', 'beeld', 'oordeel', 'besluit', 'knelpunt'] as const;
const words = ['brandweer', 'politie', 'GHOR', 'gemeente', 'ontruiming', 'stroomuitval', 'coördinatie', 'café', 'dijk', 'waterstand'];

const backend = openTestBackend({ dataDir });
writeSync(1, 'ready\n');
for (let i = 0; ; i++) {
  // Mostly short entries, now and then a long one that spans several pages of the database.
  const length = random() < 0.2 ? 2_000 + Math.floor(random() * 15_000) : 20 + Math.floor(random() * 300);
  let text = `crash-test ${process.pid}-${i}`;
  while (text.length < length) text += ` ${words[Math.floor(random() * words.length)]}`;
  const kind = kinds[Math.floor(random() * kinds.length)]!;
  const added = await backend.api['log.add']({ incident, kind, body: { text: text.slice(0, 20_000) }, classification: 'intern' });
  writeSync(1, `${added.id}\n`);
}
