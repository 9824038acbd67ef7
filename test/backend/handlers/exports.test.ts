import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_FORMATS, type RenderedExport } from '../../../shared/contract/reports.js';
import { openTestBackend, type TestBackend } from '../../support/backend.js';
import { useTempDirs } from '../../support/temp.js';
import { SCHEMAS, xmllint } from '../../report/xml-support.js';

/**
 * Every export format from a real log, for every audience outside the team: each is valid against
 * its schema (xmllint, ajv, pdftotext reads the PDF) and none carries anything classified intern.
 * Every intern entry, section text and correction holds the word GEHEIM; partner and public
 * content hold markers that must arrive where they may.
 */
const T = Date.UTC(2026, 11, 1, 12, 0);
const tempDir = useTempDirs();
const scratch = mkdtempSync(join(tmpdir(), 'baken-exports-'));
const dataDir = mkdtempSync(join(tmpdir(), 'baken-exports-data-'));
let a: TestBackend;
let incident: string;
let reportId: string;

const openapi = JSON.parse(readFileSync(new URL('../../report/fixtures/lcms-api-schema.json', import.meta.url), 'utf8')) as { components: unknown };
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addSchema({ $id: 'lcms-api', components: openapi.components });
const lcmsSchema = (name: string) => ajv.compile({ $ref: `lcms-api#/components/schemas/${name}` });
const validate = { activity: lcmsSchema('Activity'), view: lcmsSchema('View'), field: lcmsSchema('Field') };

beforeAll(async () => {
  let now = T;
  // Its own folder for the whole file: useTempDirs removes its folders after each test, and a backend
  // whose device key file is gone refuses to sign (store/identity.ts).
  a = openTestBackend({ dataDir: dataDir, create: true, clock: () => (now += 60_000) });
  const api = a.api;
  await api['device.set']({ name: 'Anna de Vries', function: 'IM', team: 'ROT Brabant-Noord', discipline: 'MULTI' });
  ({ id: incident } = await api['incident.create']({ title: 'Uitval netwerk PARTNERTITEL', location: 'Eindhoven', grip: 1, classification: 'partner' }));
  const add = (kind: string, text: string, classification: 'intern' | 'partner' | 'openbaar') => api['log.add']({ incident, kind: kind as 'melding', body: { text }, classification });
  await add('melding', 'PARTNERMELDING meldkamer onbereikbaar <b>nu</b>', 'partner');
  await add('melding', 'OPENBAARMELDING vliegveld dicht', 'openbaar');
  const secret = await add('beeld', 'GEHEIM bron bij Defensie', 'intern');
  await add('knelpunt', 'GEHEIM knelpunt personeel', 'intern');
  await add('besluit', 'GEHEIM besluit evacuatie', 'intern');
  await add('communicatie', 'GEHEIM persbericht in voorbereiding', 'intern');
  const shared = await add('oordeel', 'PARTNEROORDEEL risico op uitval', 'partner');
  await api['log.correct']({ target: shared.id, text: 'GEHEIM gecorrigeerde tekst', classification: 'intern' });
  await api['log.correct']({ target: secret.id, text: 'GEHEIM nog steeds geheim' });
  await api['action.add']({ incident, text: 'GEHEIM actie voor Defensie', owner: 'Defensie', priority: 'HIGH', classification: 'intern' });
  await api['action.add']({ incident, text: 'PARTNERACTIE noodstroom', owner: 'Enexis', priority: 'URGENT', classification: 'partner' });
  await api['grip.set']({ incident, level: 3, reason: 'GEHEIM reden opschaling', classification: 'intern' });
  await api['sitrep.edit']({ incident, section: 'forecast', text: 'GEHEIM scenario 48 uur' });
  await api['sitrep.edit']({ incident, section: 'summary', text: 'PARTNERSAMENVATTING netwerk plat', textClassification: 'partner' });
  reportId = (await api['sitrep.approve']({ incident })).id;
});
afterAll(() => {
  a?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** What a person could read in an export: the text itself, the PDF's text, and the text of a PDF inside an envelope. */
function readable(out: RenderedExport): string {
  if (out.encoding === 'base64') return pdfText(Buffer.from(out.content, 'base64'));
  const inner = /<(?:\w+:)?contentData>([A-Za-z0-9+/=\s]+)<\/(?:\w+:)?contentData>/.exec(out.content);
  return inner ? `${out.content}\n${pdfText(Buffer.from(inner[1]!.replace(/\s/g, ''), 'base64'))}` : out.content + (out.twin?.content ?? '');
}

function pdfText(pdf: Buffer): string {
  const file = join(scratch, `doc-${readdirSync(scratch).length}.pdf`);
  writeFileSync(file, pdf);
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

function expectValid(format: string, out: RenderedExport): void {
  if (format === 'cap' || format === 'edxl-de') {
    const schema = format === 'cap' ? SCHEMAS.cap : out.content.includes('contentData') ? SCHEMAS.de : SCHEMAS.deWithCap;
    const verdict = xmllint(out.content, schema);
    expect(verdict.code, verdict.stderr).toBe(0);
  } else if (format === 'lcms') {
    const doc = JSON.parse(out.content) as { activity: unknown; views: { fields: unknown[] }[] };
    expect(validate.activity(doc.activity), JSON.stringify(validate.activity.errors)).toBe(true);
    for (const view of doc.views) {
      const { fields, ...rest } = view;
      expect(validate.view(rest), JSON.stringify(validate.view.errors)).toBe(true);
      for (const field of fields) expect(validate.field(field), JSON.stringify(validate.field.errors)).toBe(true);
    }
  } else if (format === 'json') {
    const file = join(scratch, `entries-${readdirSync(scratch).length}.json`);
    writeFileSync(file, out.content);
    return void a.api['verify.file']({ file }).then((check) => expect(check.problems).toEqual([]));
  }
}

describe('exports from a real log', () => {
  const cases = EXPORT_FORMATS.flatMap((format) => (['partner', 'openbaar'] as const).map((audience) => [format, audience] as const));
  it.each(cases)('%s for %s: valid, and nothing intern in it', async (format, audience) => {
    const out = await a.api['export.render']({ format, incident, audience, generatedAt: new Date(T + 86_400_000).toISOString(), timeZone: 'Europe/Amsterdam' });
    expectValid(format, out);
    const text = readable(out);
    expect(text).not.toMatch(/GEHEIM/);
    const logLike = format === 'log-pdf' || format === 'csv';
    if (audience === 'partner') expect(text).toMatch(logLike ? /PARTNERMELDING/ : /PARTNER(MELDING|SAMENVATTING)/);
    else expect(text).not.toMatch(/PARTNER(MELDING|SAMENVATTING|ACTIE|OORDEEL)/);
    if (format === 'json') expect(JSON.parse(out.content).entries.length).toBeGreaterThan(0);
  });

  it('the intern copy of the same report carries the intern content (so the checks above could fail)', async () => {
    const pdf = await a.api['export.render']({ format: 'pdf', incident, audience: 'intern' });
    const text = readable(pdf);
    expect(text).toMatch(/GEHEIM bron bij Defensie|GEHEIM nog steeds geheim/);
    expect(text).toMatch(/GEHEIM scenario 48 uur/);
    const lcms = await a.api['export.render']({ format: 'lcms', incident, audience: 'intern' });
    expect(lcms.content).toMatch(/GEHEIM/);
  });

  it('names what it is: Baken, the device, the report and its signed id; the same time gives the same bytes', async () => {
    const input = { format: 'lcms-paste' as const, incident, audience: 'partner' as const, generatedAt: new Date(T + 86_400_000).toISOString(), timeZone: 'Europe/Amsterdam' };
    const one = await a.api['export.render'](input);
    const two = await a.api['export.render'](input);
    expect(one.content).toBe(two.content);
    expect(one.content).toContain('Baken');
    expect(one.content).toContain('Anna de Vries');
    expect(one.content).toContain(reportId);
    const pdf = await a.api['export.render']({ ...input, format: 'pdf' });
    expect((await a.api['export.render']({ ...input, format: 'pdf' })).content).toBe(pdf.content);
    expect(readable(pdf).replace(/\s+/g, '')).toContain(reportId);
  });

  it('writes files atomically, refuses to replace one without force, and writes the paste file\'s text twin', async () => {
    const out = join(scratch, 'sitrep.html');
    const written = await a.api['export.write']({ format: 'lcms-paste', incident, audience: 'partner', out });
    expect(written.files).toEqual([out, join(scratch, 'sitrep.txt')]);
    await expect(a.api['export.write']({ format: 'lcms-paste', incident, audience: 'partner', out })).rejects.toThrow(/exists already; give --force/);
    await a.api['export.write']({ format: 'lcms-paste', incident, audience: 'partner', out, force: true });
    expect(readFileSync(join(scratch, 'sitrep.txt'), 'utf8')).toContain('PARTNERSAMENVATTING');
  });

  it('a CAP alert has an info block per language asked for, and stays valid', async () => {
    const out = await a.api['export.render']({ format: 'cap', incident, audience: 'openbaar', capLanguages: ['nl', 'en'] });
    expect(xmllint(out.content, SCHEMAS.cap).code).toBe(0);
    expect([...out.content.matchAll(/<language>([^<]+)<\/language>/g)].map((m) => m[1])).toEqual(['nl-NL', 'en-US']);
  });

  it('a changed json export fails its check, naming the entry', async () => {
    const out = await a.api['export.render']({ format: 'json', incident, audience: 'partner' });
    const file = join(scratch, 'tampered.json');
    writeFileSync(file, out.content.replace('PARTNERMELDING', 'VERVALSTMELDING'));
    const check = await a.api['verify.file']({ file });
    expect(check.ok).toBe(false);
    expect(check.problems.join('\n')).toMatch(/changed after it was signed/);
  });
});

describe('CAP import', () => {
  const examples = join(import.meta.dirname, '..', '..', 'report', 'fixtures', 'cap');
  it.each(readdirSync(examples).filter((f) => f.endsWith('.xml')))('takes in the official example %s as a melding recording its source', async (name) => {
    const before = a.store.count();
    const view = await a.api['import.cap']({ incident, file: join(examples, name), classification: 'partner' });
    expect(a.store.count()).toBe(before + 1);
    const entry = a.store.entry(view.id)!;
    expect(entry.kind).toBe('melding');
    expect((entry.body as { source: string }).source).toContain(view.identifier);
  });

  it('refuses a hostile file and stores nothing', async () => {
    const file = join(scratch, 'bomb.xml');
    writeFileSync(file, '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">&lol2;</alert>');
    const before = a.store.count();
    await expect(a.api['import.cap']({ incident, file })).rejects.toThrow(/not a CAP 1.2 alert Baken can take in: .*nothing was stored/);
    const big = join(scratch, 'big.xml');
    writeFileSync(big, Buffer.alloc(50 * 1024 * 1024, 0x20));
    await expect(a.api['import.cap']({ incident, file: big })).rejects.toThrow(/is 50.0 MB; a CAP alert is at most 5 MB/);
    expect(a.store.count()).toBe(before);
  });
});
