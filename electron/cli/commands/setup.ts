import { defineCommand, optionalFlag, pathArgument } from '../command.js';
import { oneLine, printable } from '../../../shared/present/safe-text.js';
import { PROFILE_FLAGS, profileGiven, profileInput } from './people.js';

export const initCommand = defineCommand({
  path: ['init'],
  summary: 'Create the data directory, this device\'s signing key and the log database; say who this device is',
  flags: PROFILE_FLAGS,
  examples: ['baken --data ./rot-noord init', 'baken init --name "Anna de Vries" --function IM --team "ROT Brabant-Noord" --discipline MULTI'],
  async run(ctx) {
    const backend = ctx.backend({ create: true });
    if (profileGiven(ctx)) await backend.api['device.set'](profileInput(ctx, optionalFlag(ctx, 'name')));
    const info = await backend.api['device.info']({});
    const origin = await backend.api['device.origin']({});
    return { dataDir: info.dataDir, author: info.author, entries: info.entries, person: info.person, copiedFrom: origin.status === 'moved' ? (origin.recorded?.host ?? null) : null };
  },
  human: (r) =>
    `Baken log ready in ${r.dataDir}\nThis device signs as ${r.author}${r.person.name === null ? '' : `\nand is ${oneLine(r.person.label)}`}` +
    (r.copiedFrom === null ? '' : `\nThis data directory belongs to ${r.copiedFrom}: it was copied here. Choose: baken device keep-identity, or baken device new-identity`),
});

export const deviceCommand = defineCommand({
  path: ['device'],
  summary: 'Show this device: who it is, its key, data directory, log size, and which computer the data directory belongs to',
  async run(ctx) {
    const api = ctx.backend().api;
    return { ...(await api['device.info']({})), origin: await api['device.origin']({}) };
  },
  human: (r, time) =>
    [
      `device   ${oneLine(r.person.label)}${r.person.name === null ? ' (no name yet: baken device set --name NAME)' : ''}`,
      `key      ${r.author}`, `data     ${r.dataDir}`, `entries  ${r.entries}`,
      r.origin.status === 'moved'
        ? `computer ${r.origin.host}, but this data directory belongs to ${r.origin.recorded?.host}: choose baken device keep-identity or baken device new-identity`
        : `computer ${r.origin.host}${r.origin.recorded ? `, where this data directory belongs since ${time.at(r.origin.recorded.since)}` : ''}`,
      ...(r.forkedAuthors.length ? [`forked authors: ${r.forkedAuthors.map((a) => `${oneLine(time.presenter.person(a), 60)} (${a.slice(0, 12)})`).join(', ')}`] : []),
    ].join('\n'),
});

export const verifyCommand = defineCommand({
  path: ['verify'],
  summary: 'Re-check every stored entry\'s hash, signature and chain link, or those of a file (exit 1 when anything is wrong)',
  flags: { bundle: { type: 'string', value: 'FILE', description: 'check a file of signed entries instead (a json export or a sync bundle); nothing is stored' } },
  examples: ['baken verify', 'baken verify --bundle sitrep-3-partner.json'],
  async run(ctx) {
    const file = optionalFlag(ctx, 'bundle');
    if (file !== undefined) return { file: await ctx.backend().api['verify.file']({ file: pathArgument(file) }), log: null };
    return { file: null, log: await ctx.backend().api.verify({}) };
  },
  json: (r) => r.file ?? r.log,
  human: ({ file, log }) => {
    if (file) {
      const head = file.ok ? `OK: all ${file.entries} entries in the ${file.kind} are what their authors signed` : `PROBLEMS: ${file.verified} of ${file.entries} entries in the ${file.kind} verify`;
      const gaps = file.gaps ? `\n  note    ${file.gaps} entries follow one the file leaves out (expected in an extract)` : '';
      return `${head}${gaps}${file.problems.map((p) => `\n  error   ${printable(p)}`).join('')}`;
    }
    const r = log!;
    return [
      r.ok ? `OK: ${r.entries} entries verified` : `PROBLEMS in ${r.entries} entries:`,
      ...r.problems.map((p) => `  error   ${p.entry ? `${p.entry.slice(0, 12)}  ` : ''}${printable(p.problem)}`),
      ...r.warnings.map((p) => `  warning ${p.entry ? `${p.entry.slice(0, 12)}  ` : ''}${printable(p.problem)}`),
    ].join('\n');
  },
  exitCode: (r) => ((r.file ? r.file.ok : r.log!.ok) ? 0 : 1),
});

export const compactCommand = defineCommand({
  path: ['compact'],
  summary: 'Rewrite the log file with 2 KB pages and without unused pages (a log over 64 MB is not rewritten when opened); needs the log to itself',
  examples: ['baken compact'],
  run: (ctx) => ctx.backend().api['log.compact']({}),
  human: (r) => {
    const size = (shape: typeof r.before) => megabytes(shape.pages * shape.pageSize);
    if (r.outcome === 'already') return `Nothing to do: the log has ${r.after.pageSize}-byte pages and no unused page (${size(r.after)})`;
    return [
      `Log rewritten in ${(r.ms / 1000).toFixed(1)} s: ${size(r.before)} → ${size(r.after)}`,
      `  pages   ${r.before.pageSize} → ${r.after.pageSize} bytes`,
      `  unused  ${r.before.freePages} → ${r.after.freePages} pages`,
    ].join('\n');
  },
});

function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(bytes < 10_000_000 ? 1 : 0)} MB`;
}
