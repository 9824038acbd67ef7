/**
 * npm run bench [-- AREA… ] [--quick]
 * Every bench/<area>.ts next to this file is an area (default export: BenchArea), so adding `sync`
 * is adding bench/sync.ts. No area named: all of them. BAKEN_BENCH_QUICK=1 equals --quick.
 */
import { readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { BenchArea } from './lib/area.js';
import { describeMachine } from './lib/machine.js';
import { removeTempDirs } from './lib/temp.js';

const known = readdirSync(new URL('.', import.meta.url))
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts')
  .map((file) => file.slice(0, -'.ts'.length))
  .sort();

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(`usage: npm run bench [-- AREA… ] [--quick]\nareas: ${known.join(', ')}`);
  process.exit(0);
}
const flags = args.filter((a) => a.startsWith('-'));
const names = args.filter((a) => !a.startsWith('-'));
const badFlags = flags.filter((f) => f !== '--quick');
const unknown = names.filter((n) => !known.includes(n));
if (badFlags.length > 0 || unknown.length > 0) {
  const what = [...unknown.map((n) => `unknown bench area "${n}"`), ...badFlags.map((f) => `unknown option ${f}`)].join('; ');
  console.error(`${what}. Known areas: ${known.join(', ')}. Usage: npm run bench [-- AREA… ] [--quick]`);
  process.exit(2);
}
const quick = flags.includes('--quick') || process.env.BAKEN_BENCH_QUICK === '1';

console.log(`Baken bench: ${describeMachine()}`);
if (quick) console.log('QUICK sizes: figures are not comparable with the targets');
try {
  for (const name of names.length > 0 ? names : known) {
    const area = ((await import(new URL(`./${name}.ts`, import.meta.url).href)) as { default: BenchArea }).default;
    console.log(`\n=== ${name}: ${area.description}`);
    const start = performance.now();
    await area.run({ quick });
    console.log(`\n${name} took ${((performance.now() - start) / 1000).toFixed(0)} s; load average now ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  }
} finally {
  removeTempDirs();
}
