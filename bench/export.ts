import { join } from 'node:path';
import { clockWithTime } from '../electron/backend/clock.js';
import { openBackend } from '../electron/backend/index.js';
import { findReport } from '../electron/backend/report/sources.js';
import type { ExportFormat, RenderedExport } from '../shared/contract/reports.js';
import { MAX_REPORT_CITES } from '../shared/domain/kinds.js';
import { approvedReports, composeApproved, composeDraft } from '../shared/report/compose.js';
import type { BenchArea } from './lib/area.js';
import { createRandom } from './lib/random.js';
import { progress } from './lib/progress.js';
import { formatCount, formatMs, formatRate, nowMs } from './lib/stats.js';
import { makeTempDir, removeTempDir } from './lib/temp.js';
import { formatBytesExact, medianOf, met, printTable, probe, runRounds, type Output, type Probe } from './export/measure.js';
import { createSeedLog, describeCounts } from './export/seed.js';
import { measureStages, pageCount, type Stages } from './export/stages.js';

const PDF_TARGET_MS = 2000;
const OTHER_TARGET_MS = 200;
const FULL = { entries: 10_000, rounds: 3, more: 50 };
const QUICK = { entries: 1_000, rounds: 1, more: 50 };
/** The log spans a long shift: its entries are stamped this far apart in all, ending about an hour ago. */
const SPAN_MS = 8 * 3600_000;
/** The steps are timed once each (warm, after the rounds): at 10k entries a PDF render alone takes seconds. */
const STAGE_ROUNDS = 1;

const PDF_FORMATS = new Set(['pdf', 'log-pdf', 'edxl-de (payload pdf)']);

const area: BenchArea = {
  description: 'sitrep draft plus every export for an incident with 10k entries, time per format (PDF ≤ 2 s, others ≤ 200 ms), beside reading the entries',
  async run({ quick }) {
    const size = quick ? QUICK : FULL;
    const dir = makeTempDir('export');
    let t = Date.now() - SPAN_MS - 3600_000;
    const step = SPAN_MS / size.entries;
    const advance = () => void (t += step);
    const { backend, device } = openBackend({ dataDir: join(dir, 'node'), create: true, clock: clockWithTime(() => t) });
    try {
      const { api } = backend;
      await api['device.set']({ name: 'Anna de Vries', function: 'IM', team: 'ROT Brabant-Noord', discipline: 'MULTI' });
      const { id: incident } = await api['incident.create']({ title: 'Stroomstoring regio Zuidoost', location: 'Eindhoven', grip: 2, classification: 'partner' });
      const seed = createSeedLog(api, incident, createRandom(7), 2);
      progress(`writing ${formatCount(size.entries)} entries through the API, one durable commit each (setup, not an export)`);
      const writeStart = nowMs();
      await seed.write(size.entries, advance);
      const writeMs = nowMs() - writeStart;
      const written = describeCounts(seed.counts);
      const held = device.store.incidentEntries(incident).length;

      // The floor every export pays: the incident's entries out of SQLite, and once through JSON.
      const floor = probe('floor: incidentEntries + JSON.stringify', null, async () => {
        const json = JSON.stringify(device.store.incidentEntries(incident));
        return { bytes: Buffer.byteLength(json) };
      });
      const draft = probe('sitrep.draft (intern)', OTHER_TARGET_MS, async () => {
        const doc = await api['sitrep.draft']({ incident });
        const items = doc.sections.reduce((n, s) => n + s.items.length, 0);
        return { bytes: Buffer.byteLength(JSON.stringify(doc)), note: `document as JSON; ${formatCount(items)} items, ${doc.actions.length} actions` };
      });
      const render = (name: string, format: ExportFormat, extra: { payload?: 'cap' | 'pdf'; sitrep?: string } = {}) =>
        probe(name, PDF_FORMATS.has(name) || name.startsWith('pdf') ? PDF_TARGET_MS : OTHER_TARGET_MS, async () =>
          outputOf(await api['export.render']({ format, incident, audience: 'partner', ...(extra.sitrep ? { sitrep: extra.sitrep } : { draft: true }), ...(extra.payload ? { payload: extra.payload } : {}) })),
        );
      const exports = [
        render('lcms', 'lcms'),
        render('lcms-paste', 'lcms-paste'),
        render('cap', 'cap'),
        render('edxl-de (payload cap)', 'edxl-de', { payload: 'cap' }),
        render('csv', 'csv'),
        render('json', 'json'),
        render('pdf', 'pdf'),
        render('log-pdf', 'log-pdf'),
        render('edxl-de (payload pdf)', 'edxl-de', { payload: 'pdf' }),
      ];
      const probes = [floor, draft, ...exports];
      await runRounds(probes, size.rounds, (round) => progress(round === 0 ? 'first call of each (timed apart)' : `round ${round} of ${size.rounds}`));
      const floorMs = medianOf(floor);

      printTable(
        `Draft and exports of one incident: ${formatCount(held)} entries, the draft not yet approved (median of ${size.rounds} in turns; "first" is the first call, apart; the backend keeps an incident's entries between calls while the log does not change, so only the very first call reads them: sitrep.draft's "first")`,
        [
          `log written through the API: ${written}; the opening entry and a profile besides; classifications intern 50 %, partner 35 %, openbaar 15 %`,
          `writing it took ${(writeMs / 1000).toFixed(1)} s (${formatRate(size.entries / (writeMs / 1000))}), not part of any figure`,
          'exports: export.render { format, incident, draft: true, audience: partner }, so each holds the partner/openbaar half; sitrep.draft is the intern draft, every entry',
          'floor: device.store.incidentEntries(incident) and JSON.stringify of them, the same run: what every export pays before its own work',
          `targets apply to the median: PDF (pdf, log-pdf, edxl-de carrying the PDF) ≤ ${PDF_TARGET_MS / 1000} s, the others ≤ ${OTHER_TARGET_MS} ms; output: bytes of the file (PDF decoded from base64)`,
        ],
        probes,
        floorMs,
      );

      progress('where the time goes: the steps of export.render one by one');
      const draftStages = await measureStages(device, incident, new Date(t).toISOString(), STAGE_ROUNDS, (inputs) => composeDraft(inputs, device.store.author));
      printStages('Steps of one export of the draft (partner), each called once after the rounds above; no targets: the cause of the figures above', draftStages, floorMs);

      // An approved report cites what it cites: approve once, write a little more, approve again.
      progress('approving report 1');
      const approval: string[] = [];
      let approvedFirst = false;
      try {
        const r = await api['sitrep.approve']({ incident });
        approval.push(`report ${r.label} approved at once: ${formatCount(r.cites)} cites`);
        approvedFirst = true;
      } catch (error) {
        const message = messageOf(error);
        approval.push(`sitrep.approve { incident } on the ${formatCount(held)}-entry draft refused: "${message}"`);
        const cites = /cites (\d+) log entries/.exec(message);
        if (cites) {
          const excess = Number(cites[1]) - MAX_REPORT_CITES;
          const drop = seed.plainMeldingen.slice(0, excess);
          for (let i = 0; i < drop.length; i += 1000) await api['sitrep.edit']({ incident, drop: drop.slice(i, i + 1000) });
          approval.push(`left out the ${formatCount(drop.length)} oldest uncorrected meldingen with ${Math.ceil(drop.length / 1000)} sitrep.edit { drop } of at most 1,000`);
          try {
            const r = await api['sitrep.approve']({ incident });
            approval.push(`then report ${r.label} approved: ${formatCount(r.cites)} cites`);
            approvedFirst = true;
          } catch (again) {
            approval.push(`sitrep.approve refused again: "${messageOf(again)}"`);
          }
        }
      }
      const reportProbes: Probe[] = [];
      let secondStages: Stages | null = null;
      if (approvedFirst) {
        await seed.write(size.more, advance);
        try {
          const r = await api['sitrep.approve']({ incident });
          approval.push(`${size.more} more entries written, then report ${r.label} approved: ${formatCount(r.cites)} cites (new entries, open actions and knelpunten, GRIP history)`);
          reportProbes.push(render(`pdf (report ${r.label})`, 'pdf', { sitrep: r.label }), render(`lcms (report ${r.label})`, 'lcms', { sitrep: r.label }));
          await runRounds(reportProbes, size.rounds, (round) => progress(`report ${r.label} exports: ${round === 0 ? 'first call' : `round ${round} of ${size.rounds}`}`));
          const label = r.label;
          secondStages = await measureStages(device, incident, new Date(t).toISOString(), STAGE_ROUNDS, (inputs) => composeApproved(inputs, findReport(approvedReports(inputs.entries), label, 'sitrep')));
        } catch (error) {
          approval.push(`sitrep.approve after ${size.more} more entries refused: "${messageOf(error)}"`);
        }
      }
      if (reportProbes.length > 0) {
        printTable(
          `An approved report of a realistic size, same incident (${formatCount(device.store.incidentEntries(incident).length)} entries), export.render { sitrep, audience: partner }`,
          approval,
          reportProbes,
          floorMs,
        );
        if (secondStages) printStages('Steps of one export of that report (partner), each called once; the log-pdf steps are of the whole log again', secondStages, floorMs);
      } else {
        console.log('\nNo approved report to export:');
        for (const line of approval) console.log(`  ${line}`);
      }

      printSummary([draft, ...exports, ...reportProbes], draftStages, secondStages);
    } finally {
      await backend.stop();
      removeTempDir(dir);
    }
  },
};

function outputOf(r: RenderedExport): Output {
  if (r.encoding === 'base64') {
    const pdf = Buffer.from(r.content, 'base64');
    return { bytes: pdf.length, note: `${pageCount(pdf)} pages${r.rows !== null ? `, ${formatCount(r.rows)} rows` : ''}` };
  }
  const notes: string[] = [];
  if (r.rows !== null) notes.push(`${formatCount(r.rows)} rows`);
  if (r.twin) notes.push(`plus ${r.twin.fileName.split('.').at(-1)} twin ${formatBytesExact(Buffer.byteLength(r.twin.content))}`);
  return { bytes: Buffer.byteLength(r.content), note: notes.join('; ') };
}

function messageOf(error: unknown): string {
  const e = error as Error & { code?: string };
  return `${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}`;
}

function printStages(title: string, s: Stages, floorMs: number | null): void {
  console.log(`\n${title}`);
  const rows: [string, string][] = [
    ['floor (incidentEntries + JSON.stringify)', floorMs === null ? '—' : formatMs(floorMs)],
    ['load inputs (incidentEntries, templates, people)', formatMs(s.load)],
    ['compose the report', formatMs(s.compose)],
    ['cut to the audience (reportDocument)', formatMs(s.document)],
    ['  = paid by every format', formatMs(s.load + s.compose + s.document)],
    ['sitrep PDF: definition', formatMs(s.pdfDefinition)],
    [`sitrep PDF: pdfmake layout + render (${s.pdfPages} pages)`, formatMs(s.pdfRender)],
    [`log extract (${formatCount(s.logRows)} rows)`, formatMs(s.logExtract)],
    ['log PDF: definition', formatMs(s.logPdfDefinition)],
    [`log PDF: pdfmake layout + render (${s.logPdfPages} pages)`, formatMs(s.logPdfRender)],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  const valueWidth = Math.max(...rows.map((r) => r[1].length));
  for (const [name, value] of rows) console.log(`  ${name.padEnd(width)}  ${value.padStart(valueWidth)}`);
}

function printSummary(probes: readonly Probe[], draft: Stages, report: Stages | null): void {
  const judged = probes.filter((p) => p.targetMs !== null);
  const missed = judged.filter((p) => met(p) === false);
  const failed = probes.filter((p) => p.error !== null);
  console.log(`\n${judged.length - missed.length} of ${judged.length} targets met${missed.length ? `; NOT met: ${missed.map((p) => p.name).join(', ')}` : ''}`);
  for (const p of failed) console.log(`  ${p.name} FAILED: ${p.error}`);
  for (const p of missed) {
    if (p.error !== null) continue;
    const s = p.name.includes('(report') && report ? report : draft;
    const common = s.load + s.compose + s.document;
    const m = medianOf(p)!;
    const why = [`every call composes the report (and reads the log when it changed since the last call): ${formatMs(common)} (load ${formatMs(s.load)}, compose ${formatMs(s.compose)}, audience cut ${formatMs(s.document)})`];
    if (p.name.startsWith('pdf') || p.name.includes('payload pdf')) why.push(`pdfmake lays out and renders ${s.pdfPages} pages: ${formatMs(s.pdfRender)}`);
    if (p.name === 'log-pdf') why.push(`${formatCount(s.logRows)} log rows on ${s.logPdfPages} pages: ${formatMs(s.logPdfRender)} render`);
    console.log(`  ${p.name}: ${formatMs(m)} against ${p.targetMs! >= 1000 ? `${p.targetMs! / 1000} s` : `${p.targetMs} ms`}; ${why.join('; ')}`);
  }
}

export default area;
