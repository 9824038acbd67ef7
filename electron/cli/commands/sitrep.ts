import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CLASSES, defineCommand, instantFlag, listFlag, oneOf, optionalFlag, pathArgument, positional, requiredFlag, UsageError, type CommandContext } from '../command.js';
import { reportText } from '../../../shared/present/report-text.js';
import { oneLine } from '../../../shared/present/safe-text.js';
import { listOr } from '../format.js';
import { chooseLang } from '../presenter.js';
import { TEXT_FLAGS, textFlag, WHO_WHEN_FLAGS, whoWhen } from './who-when.js';

const INCIDENT_FLAG = { type: 'string', value: 'ID', description: 'the incident (its id, or a unique start of 6 or more characters)', required: true } as const;
const LANGS = { nl: 'nl', dutch: 'nl', nederlands: 'nl', en: 'en', english: 'en', engels: 'en' } as const;
const LANG_FLAG = { type: 'string', value: 'nl|en', description: 'language of headings and labels (default: BAKEN_LANG or the locale)', choices: LANGS } as const;
const AUDIENCE_FLAG = { type: 'string', value: 'intern|partner|openbaar', description: 'who it is for: content classified above it is left out (default intern)', choices: CLASSES } as const;

const langOf = (ctx: CommandContext) => oneOf(ctx, 'lang', LANGS) ?? chooseLang(ctx.env);

export const sitrepDraft = defineCommand({
  path: ['sitrep', 'draft'],
  summary: 'Show the next situation report (SITREP) as proposed from the log since the previous one, with the team\'s edits',
  flags: {
    incident: INCIDENT_FLAG, revises: { type: 'string', value: 'N', description: 'draft a new version of approved report N' },
    lang: LANG_FLAG, audience: AUDIENCE_FLAG, full: { type: 'boolean', description: 'every text whole, not its first line' },
  },
  examples: ['baken sitrep draft --incident ID', 'baken sitrep draft --incident ID --audience partner --lang en'],
  async run(ctx) {
    const doc = await ctx.backend().api['sitrep.draft']({
      incident: requiredFlag(ctx, 'incident'), revises: optionalFlag(ctx, 'revises'), lang: langOf(ctx), audience: oneOf(ctx, 'audience', CLASSES), timeZone: ctx.time.zone,
    });
    return { doc, full: ctx.flags.full === true };
  },
  json: (r) => r.doc,
  human: ({ doc, full }) => `${reportText(doc, { full })}\n\nEdit with baken sitrep edit --incident ${doc.incident.id.slice(0, 8)} --section KEY …; approve with baken sitrep approve --incident ${doc.incident.id.slice(0, 8)}`,
});

export const sitrepEdit = defineCommand({
  path: ['sitrep', 'edit'],
  summary: 'Change the draft: a section\'s own text and who may see it, items left out or put back, when the next report is due',
  flags: {
    incident: INCIDENT_FLAG,
    section: { type: 'string', value: 'KEY', description: 'the section (its key, as the draft shows it in [ ]: summary, picture, …)' },
    ...TEXT_FLAGS,
    clear: { type: 'boolean', description: 'remove the section\'s own text' },
    class: { type: 'string', value: 'intern|partner|openbaar', description: 'who may see the section\'s own text (default intern)', choices: CLASSES },
    drop: { type: 'string', value: 'ENTRY_ID', description: 'leave this log entry out of the report (repeatable)', multiple: true },
    restore: { type: 'string', value: 'ENTRY_ID', description: 'put a left-out entry back (repeatable)', multiple: true },
    'next-due': { type: 'string', value: 'TIME', description: 'when the next report is due: 16:30 (today) or 2026-12-01 16:30, in --tz' },
    ...WHO_WHEN_FLAGS,
  },
  examples: ['baken sitrep edit --incident ID --section summary --text "Netwerk hersteld; nazorg loopt" --class partner', 'baken sitrep edit --incident ID --next-due 16:30 --drop 5cf67f49'],
  async run(ctx) {
    const text = await textFlag(ctx);
    const clear = ctx.flags.clear === true;
    if (text !== undefined && clear) throw new UsageError('give either a text or --clear, not both');
    return ctx.backend().api['sitrep.edit']({
      incident: requiredFlag(ctx, 'incident'), section: optionalFlag(ctx, 'section'), text, clearText: clear, textClassification: oneOf(ctx, 'class', CLASSES),
      drop: listFlag(ctx, 'drop'), restore: listFlag(ctx, 'restore'), nextDue: instantFlag(ctx, 'next-due'), ...whoWhen(ctx),
    });
  },
  human: (r) => `Draft changed (${r.id.slice(0, 12)}).`,
});

export const sitrepApprove = defineCommand({
  path: ['sitrep', 'approve'],
  summary: 'Approve the current draft: it is frozen as a signed entry naming who approved it and when, and numbered',
  flags: { incident: INCIDENT_FLAG, revises: { type: 'string', value: 'N', description: 'approve a new version of approved report N' }, ...WHO_WHEN_FLAGS },
  examples: ['baken sitrep approve --incident ID', 'baken sitrep approve --incident ID --revises 3'],
  async run(ctx) {
    return ctx.backend().api['sitrep.approve']({ incident: requiredFlag(ctx, 'incident'), revises: optionalFlag(ctx, 'revises'), ...whoWhen(ctx) });
  },
  human: (r, view) => `SITREP ${r.label} approved (id ${r.id}); it cites ${r.cites} log entries.${r.nextDue ? ` Next report due ${view.at(r.nextDue)}.` : ''}`,
});

export const sitrepList = defineCommand({
  path: ['sitrep', 'list'],
  summary: 'List an incident\'s approved reports',
  flags: { incident: INCIDENT_FLAG },
  async run(ctx) {
    return ctx.backend().api['sitrep.list']({ incident: requiredFlag(ctx, 'incident') });
  },
  human: (r, view) =>
    listOr(
      r.map((s) => `${s.label.padEnd(6)} ${view.at(s.approvedAt, { date: 'always' })}  ${oneLine(s.approvedBy, 60)}  ${s.id.slice(0, 12)}${s.nextDue ? `  next due ${view.at(s.nextDue)}${s.overdue ? ' (overdue)' : ''}` : ''}`),
      'No approved reports yet (baken sitrep draft shows the next one).',
    ),
});

export const sitrepShow = defineCommand({
  path: ['sitrep', 'show'],
  summary: 'Show an approved report and check it: who approved it and when, whether its signature and the entries it cites verify',
  positionals: [{ name: 'ID_OR_NUMBER', description: 'the report id (as printed or scanned from the QR code) or its number with --incident' }],
  flags: { incident: { ...INCIDENT_FLAG, required: false }, lang: LANG_FLAG, audience: AUDIENCE_FLAG, full: { type: 'boolean', description: 'every text whole' } },
  examples: ['baken sitrep show 5cf67f491a2c', 'baken sitrep show 3 --incident ID'],
  async run(ctx) {
    const ref = positional(ctx, 0, 'ID_OR_NUMBER').replace(/^baken:sitrep:/i, '');
    const shown = await ctx.backend().api['sitrep.show']({ report: ref, incident: optionalFlag(ctx, 'incident'), lang: langOf(ctx), audience: oneOf(ctx, 'audience', CLASSES), timeZone: ctx.time.zone });
    return { ...shown, full: ctx.flags.full === true };
  },
  json: ({ full: _full, ...r }) => r,
  human: (r) => {
    const check = r.problems.length === 0
      ? `CHECKED: the signature is ${oneLine(r.summary.approvedBy, 60)}'s and all ${r.cited} cited entries are here and verify.`
      : `NOT CHECKED: ${r.signatureOk ? 'the signature verifies, but ' : ''}${r.problems.map((p) => oneLine(p, 200)).join('; ')}`;
    return `${reportText(r.document, { full: r.full })}\n\n${check}`;
  },
  exitCode: (r) => (r.problems.length === 0 ? 0 : 1),
});

const templateFile = z.array(z.object({ key: z.string(), title: z.string(), titleEn: z.string().optional(), source: z.string() }).loose());

export const sitrepTemplate = defineCommand({
  path: ['sitrep', 'template'],
  summary: 'Show the report headings, or set them from a JSON file (for one incident, or for the team)',
  flags: {
    incident: { ...INCIDENT_FLAG, required: false, description: 'only this incident (default: every incident of the team)' },
    set: { type: 'string', value: 'FILE', description: 'a JSON list of {key, title, titleEn?, source} (source: summary, picture, judgement, forecast, decisions, actions, disciplines, communication, annexes or free)' },
    ...WHO_WHEN_FLAGS,
  },
  examples: ['baken sitrep template', 'baken sitrep template --json > koppen.json', 'baken sitrep template --set koppen.json'],
  async run(ctx) {
    const api = ctx.backend().api;
    const file = optionalFlag(ctx, 'set');
    const incident = optionalFlag(ctx, 'incident');
    if (file === undefined) return { set: null, template: await api['sitrep.template.show']({ incident }) };
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(pathArgument(file), 'utf8'));
    } catch (error) {
      throw new UsageError(`--set: cannot read ${file} as JSON (${(error as Error).message})`);
    }
    const list = templateFile.safeParse(Array.isArray(parsed) ? parsed : (parsed as { sections?: unknown })?.sections);
    if (!list.success) throw new UsageError(`--set: ${file} must hold a list of sections, each {key, title, titleEn?, source}`);
    const set = await api['sitrep.template.set']({ incident, sections: list.data as never, ...whoWhen(ctx) });
    return { set, template: await api['sitrep.template.show']({ incident }) };
  },
  json: (r) => (r.set ? { entry: r.set, ...r.template } : r.template),
  human: (r) =>
    [
      `${r.set ? 'Headings set. ' : ''}Headings (${r.template.scope === 'default' ? 'Baken\'s default' : r.template.scope === 'team' ? 'the team\'s' : 'this incident\'s'}):`,
      ...r.template.sections.map((s, i) => `${String(i + 1).padStart(2)}. ${oneLine(s.title, 60)}${s.titleEn ? ` / ${oneLine(s.titleEn, 60)}` : ''}  [${s.key}, from ${s.source}]`),
    ].join('\n'),
});
