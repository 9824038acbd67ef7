import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const modeOf = (file: string) => statSync(file).mode & 0o777;

/** Every file in a directory with its bytes, to show that nothing changed (or was left behind). */
export function snapshot(dir: string): Record<string, string> {
  if (!existsSync(dir)) return {};
  return Object.fromEntries(readdirSync(dir).sort().map((name) => [name, readFileSync(join(dir, name)).toString('hex')]));
}

/** Ways team.key gets damaged, each made from the good file's text. */
export const DAMAGED_KEYS: [string, (good: string) => string | Buffer][] = [
  ['empty', () => ''],
  ['cut short', (good) => good.slice(0, 60)],
  ['upper-case hex (which @libp2p/pnet cannot read)', (good) => good.slice(0, 31) + good.slice(31).toUpperCase()],
  ['another header', (good) => good.replace('1.0.0', '2.0.0')],
  ['another encoding line', (good) => good.replace('/base16/', '/base64/')],
  ['an extra line after the key', (good) => good + '\nextra'],
  ['random bytes', () => Buffer.from(Array.from({ length: 95 }, (_, i) => (i * 97 + 13) % 256))],
  ['far too large', (good) => good + ' '.repeat(5000)],
];

/** Modes that let other users read team.key. */
export const SHARED_KEY_MODES = [0o644, 0o640, 0o604, 0o660];

/** The raw key in a team.key, read without its checks. */
export function keyInFile(file: string): Uint8Array {
  return Buffer.from(readFileSync(file, 'latin1').slice(31, 95), 'hex');
}
