import { defineCommand } from '../command.js';

export const initCommand = defineCommand({
  path: ['init'],
  summary: 'Create the data directory, this device\'s signing key and the log database',
  examples: ['baken --data ./rot-noord init'],
  async run(ctx) {
    const backend = ctx.backend({ create: true });
    const info = await backend.api['device.info']({});
    return { dataDir: info.dataDir, author: info.author, entries: info.entries };
  },
  human: (r) => `Baken log ready in ${r.dataDir}\nThis device signs as ${r.author}`,
});

export const deviceCommand = defineCommand({
  path: ['device'],
  summary: 'Show this device\'s key, data directory and log size',
  async run(ctx) {
    return ctx.backend().api['device.info']({});
  },
  human: (r) => [`device   ${r.author}`, `data     ${r.dataDir}`, `entries  ${r.entries}`, ...(r.forkedAuthors.length ? [`forked authors: ${r.forkedAuthors.join(', ')}`] : [])].join('\n'),
});

export const verifyCommand = defineCommand({
  path: ['verify'],
  summary: 'Re-check every stored entry\'s hash, signature and chain link (exit 1 when anything is wrong)',
  async run(ctx) {
    return ctx.backend().api.verify({});
  },
  human: (r) =>
    [
      r.ok ? `OK: ${r.entries} entries verified` : `PROBLEMS in ${r.entries} entries:`,
      ...r.problems.map((p) => `  error   ${p.entry ? `${p.entry.slice(0, 12)}  ` : ''}${p.problem}`),
      ...r.warnings.map((p) => `  warning ${p.entry ? `${p.entry.slice(0, 12)}  ` : ''}${p.problem}`),
    ].join('\n'),
  exitCode: (r) => (r.ok ? 0 : 1),
});
