import { cpus, loadavg, totalmem } from 'node:os';
import Database from 'better-sqlite3';

export function describeMachine(): string {
  const cores = cpus();
  const sqlite = new Database(':memory:');
  const version = sqlite.prepare('SELECT sqlite_version()').pluck().get() as string;
  sqlite.close();
  return [
    `cpu: ${cores[0]?.model.trim() ?? 'unknown'} × ${cores.length}`,
    `memory: ${(totalmem() / 1024 ** 3).toFixed(0)} GB`,
    `node ${process.version} (${process.platform}-${process.arch})`,
    `sqlite ${version}`,
    // Other work on the machine moves every timing; the load says how much there was at the start.
    `load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
  ].join(', ');
}
