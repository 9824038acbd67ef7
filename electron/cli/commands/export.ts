import { EXPORT_FORMATS } from '../../../shared/contract/reports.js';
import { oneLine } from '../../../shared/present/safe-text.js';
import { CLASSES, CLASSIFICATION_FLAG, defineCommand, instantFlag, listFlag, oneOf, optionalFlag, pathArgument, positional, requiredFlag, UsageError } from '../command.js';
import { chooseLang } from '../presenter.js';
import { didYouMean } from '../suggest.js';
import { WHO_WHEN_FLAGS, whoWhen } from './who-when.js';

const FORMATS = Object.fromEntries(EXPORT_FORMATS.map((f) => [f, f])) as Record<string, (typeof EXPORT_FORMATS)[number]>;
const LANGS = { nl: 'nl', en: 'en' } as const;
const MSG_TYPES = { alert: 'Alert', update: 'Update', cancel: 'Cancel' } as const;
const PAYLOADS = { cap: 'cap', pdf: 'pdf' } as const;

export const exportCommand = defineCommand({
  path: ['export'],
  summary: 'Export a situation report or the log: lcms, lcms-paste, cap, edxl-de, pdf, log-pdf, csv or json',
  positionals: [{ name: 'FORMAT', description: `one of ${EXPORT_FORMATS.join(', ')}` }],
  flags: {
    incident: { type: 'string', value: 'ID', description: 'the incident', required: true },
    sitrep: { type: 'string', value: 'N', description: 'the approved report (its number or id; default: the latest approved, else the draft)' },
    draft: { type: 'boolean', description: 'the current draft, even when approved reports exist' },
    audience: { type: 'string', value: 'intern|partner|openbaar', description: 'who it is for: content classified above it is left out (default intern)', choices: CLASSES },
    lang: { type: 'string', value: 'nl|en', description: 'language of headings and labels (default: BAKEN_LANG or the locale)', choices: LANGS },
    out: { type: 'string', value: 'FILE', description: 'where to write it (lcms-paste also writes FILE.txt, its plain-text twin)', required: true },
    force: { type: 'boolean', description: 'replace an existing file' },
    from: { type: 'string', value: 'TIME', description: 'log-pdf, csv, json: entries logged at or after this time, in --tz' },
    to: { type: 'string', value: 'TIME', description: 'log-pdf, csv, json: entries logged before this time, in --tz' },
    'msg-type': { type: 'string', value: 'alert|update|cancel', description: 'cap, edxl-de: the CAP message type (default: update once an earlier report exists)', choices: MSG_TYPES },
    entry: { type: 'string', value: 'ENTRY_ID', description: 'cap: one log entry as the alert, instead of the report' },
    area: { type: 'string', value: 'TEXT', description: 'cap: the area description (default: the incident\'s location)' },
    'cap-lang': { type: 'string', value: 'nl,en', description: 'cap, edxl-de: an info block per language, in this order (default: --lang)' },
    recipient: { type: 'string', value: 'WHO', description: 'edxl-de: a recipient (repeatable)', multiple: true },
    payload: { type: 'string', value: 'cap|pdf', description: 'edxl-de: carry the CAP alert (default) or the PDF report', choices: PAYLOADS },
    'generated-at': { type: 'string', value: 'TIME', description: 'the generation time the export names (default now); the same entries and time give the same file' },
  },
  examples: [
    'baken export pdf --incident ID --audience partner --out sitrep-3-partner.pdf',
    'baken export lcms-paste --incident ID --sitrep 3 --out lcms.html',
    'baken export cap --incident ID --audience openbaar --lang nl --out alert.xml',
    'baken export log-pdf --incident ID --from "2026-12-01 12:00" --to "2026-12-01 18:00" --out logboek.pdf',
  ],
  async run(ctx) {
    const given = positional(ctx, 0, 'FORMAT').toLowerCase();
    const format = FORMATS[given];
    if (format === undefined) throw new UsageError(`FORMAT must be one of ${EXPORT_FORMATS.join(', ')}, not ${JSON.stringify(given)}${didYouMean(given, EXPORT_FORMATS, (f) => f)}`);
    const out = pathArgument(requiredFlag(ctx, 'out'));
    return ctx.backend().api['export.write']({
      format, incident: requiredFlag(ctx, 'incident'), sitrep: optionalFlag(ctx, 'sitrep'), draft: ctx.flags.draft === true, audience: oneOf(ctx, 'audience', CLASSES),
      lang: oneOf(ctx, 'lang', LANGS) ?? chooseLang(ctx.env), from: instantFlag(ctx, 'from'), to: instantFlag(ctx, 'to'), msgType: oneOf(ctx, 'msg-type', MSG_TYPES),
      entry: optionalFlag(ctx, 'entry'), areaDesc: optionalFlag(ctx, 'area'), capLanguages: capLanguages(optionalFlag(ctx, 'cap-lang')), recipients: listFlag(ctx, 'recipient'), payload: oneOf(ctx, 'payload', PAYLOADS),
      timeZone: ctx.time.zone, generatedAt: instantFlag(ctx, 'generated-at'), out, force: ctx.flags.force === true,
    });
  },
  human: (r) => {
    const what = r.report ? `SITREP ${r.report.label}${r.report.state === 'draft' ? ' (draft, not approved)' : ''}` : `${r.rows ?? 0} log entries`;
    return `Wrote ${r.format} of ${what}: ${r.files.map((f) => oneLine(f, 200)).join(' and ')} (${r.bytes.toLocaleString('en')} bytes).`;
  },
});

export const importCap = defineCommand({
  path: ['import', 'cap'],
  summary: 'Take a partner\'s CAP 1.2 alert into the log as a melding that records its source',
  positionals: [{ name: 'FILE', description: 'the CAP alert (XML, at most 5 MB)' }],
  flags: { incident: { type: 'string', value: 'ID', description: 'the incident', required: true }, class: CLASSIFICATION_FLAG, ...WHO_WHEN_FLAGS },
  examples: ['baken import cap knmi-waarschuwing.xml --incident ID'],
  async run(ctx) {
    return ctx.backend().api['import.cap']({
      incident: requiredFlag(ctx, 'incident'), file: pathArgument(positional(ctx, 0, 'FILE')), classification: oneOf(ctx, 'class', CLASSES), ...whoWhen(ctx),
    });
  },
  human: (r, view) => `Logged the CAP alert ${oneLine(r.identifier, 80)} from ${oneLine(r.sender, 80)} (sent ${view.at(r.sentAt)}) as melding ${r.id.slice(0, 12)}${r.headline ? `: ${oneLine(r.headline, 100)}` : ''}`,
});

function capLanguages(value: string | undefined): ('nl' | 'en')[] | undefined {
  if (value === undefined) return undefined;
  const list = value.split(/[\s,]+/).filter(Boolean).map((l) => l.toLowerCase());
  const bad = list.filter((l) => l !== 'nl' && l !== 'en');
  if (list.length === 0 || bad.length > 0) throw new UsageError(`--cap-lang must be nl, en or both (nl,en), not ${JSON.stringify(value)}`);
  return list as ('nl' | 'en')[];
}
