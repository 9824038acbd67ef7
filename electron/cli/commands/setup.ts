import { defineCommand } from '../command.js';

export const initCommand = defineCommand({
  path: ['init'],
  summary: 'Create the data directory, this device\'s signing key and the log database',
  examples: ['baken --data ./rot-noord init'],
  async run(ctx) {
    const backend = ctx.backend({ create: true });
    const info = await backend.api['device.info']({});
    const origin = await backend.api['device.origin']({});
    return { dataDir: info.dataDir, author: info.author, entries: info.entries, copiedFrom: origin.status === 'moved' ? (origin.recorded?.host ?? null) : null };
  },
  human: (r) =>
    `Baken log ready in ${r.dataDir}\nThis device signs as ${r.author}` +
    (r.copiedFrom === null ? '' : `\nThis data directory belongs to ${r.copiedFrom}: it was copied here. Choose: baken device keep-identity, or baken device new-identity`),
});

export const deviceCommand = defineCommand({
  path: ['device'],
  summary: 'Show this device\'s key, data directory, log size, and which computer the data directory belongs to',
  async run(ctx) {
    const api = ctx.backend().api;
    return { ...(await api['device.info']({})), origin: await api['device.origin']({}) };
  },
  human: (r, time) =>
    [
      `device   ${r.author}`, `data     ${r.dataDir}`, `entries  ${r.entries}`,
      r.origin.status === 'moved'
        ? `computer ${r.origin.host}, but this data directory belongs to ${r.origin.recorded?.host}: choose baken device keep-identity or baken device new-identity`
        : `computer ${r.origin.host}${r.origin.recorded ? `, where this data directory belongs since ${time.at(r.origin.recorded.since)}` : ''}`,
      ...(r.forkedAuthors.length ? [`forked authors: ${r.forkedAuthors.join(', ')}`] : []),
    ].join('\n'),
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
