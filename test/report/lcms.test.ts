import { expectGolden } from './golden.js';
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { cleanText } from '../../shared/report/html-field.js';
import { buildLcmsExport, derivedUuid, type LcmsExport } from '../../shared/report/lcms.js';
import type { ReportDocument, ReportSection } from '../../shared/report/model.js';
import { HOSTILE, sampleReport } from './fixtures.js';

/**
 * The LCMS export checked against the gateway's own component schemas (a copy of the OpenAPI file
 * in fixtures/, so the test reads nothing outside the repository), with every hostile text in the
 * places a person can type: the title and the items.
 */
const openapi = JSON.parse(readFileSync(new URL('./fixtures/lcms-api-schema.json', import.meta.url), 'utf8')) as { components: unknown };
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addSchema({ $id: 'lcms-api', components: openapi.components });
const schema = (name: string) => ajv.compile({ $ref: `lcms-api#/components/schemas/${name}` });
const validateActivity = schema('Activity');
const validateView = schema('View');
const validateField = schema('Field');

function errors(validate: ValidateFunction, value: unknown): string[] {
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

function expectValid(out: LcmsExport): void {
  expect(errors(validateActivity, out.activity)).toEqual([]);
  for (const view of out.views) {
    expect(errors(validateView, view), view.name).toEqual([]);
    for (const field of view.fields) expect(errors(validateField, field), view.name).toEqual([]);
  }
}

const ALLOWED = /<\/?(p|ul|ol|li|b|i|h3)>|<br>/g;
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Only the simple tags, without attributes, properly nested; every other < > & escaped. */
function expectSimpleHtml(html: string): void {
  const stack: string[] = [];
  for (const [, slash, name] of html.matchAll(/<(\/?)(p|ul|ol|li|b|i|h3)>/g)) {
    if (slash === '/') expect(stack.pop(), html.slice(0, 200)).toBe(name);
    else stack.push(name!);
  }
  expect(stack).toEqual([]);
  const rest = html.replace(ALLOWED, '');
  expect(rest).not.toMatch(/[<>]/);
  expect(rest).not.toMatch(/&(?!amp;|lt;|gt;|quot;|#39;)/);
  expect(html).not.toMatch(UNSAFE);
}

const unescape = (html: string) => html.replace(/<[^>]*>/g, ' ').replace(/&(lt|gt|quot|#39|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e]!);

function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(allStrings);
  return [];
}

const withItemText = (doc: ReportDocument, text: string): ReportDocument => ({
  ...doc,
  sections: doc.sections.map((s) => ({ ...s, items: s.items.map((i) => ({ ...i, text, who: text })) })),
});

describe('LCMS export', () => {
  it('validates against the Activity, View and Field schemas', () => {
    const out = buildLcmsExport(sampleReport());
    expectValid(out);
    expect(out.views).toHaveLength(9);
    expect(out.activity).toMatchObject({ id: 'c0ffee00-c0ff-ee00-c0ff-ee00c0ffee00', name: 'Uitval netwerk Defensie (NAFIN)', status: 'RUNNING', type: 'PUBLIC', gripLevel: 'G3', location: 'Eindhoven & omgeving' });
    expect(out.activity.organisation.name).toBe('ROT Brabant-Noord');
    expect(out.activity.created).toBe(Date.parse('2026-12-01T12:00:00.000Z'));
    expect(out.activity.modified).toBe(Date.parse('2026-12-01T14:30:00.000Z'));
    expect(out.activity.defaultTab).toBe(out.views[0]!.uuid);
  });

  it('rejects what the schema forbids, so the checks above can fail', () => {
    const out = buildLcmsExport(sampleReport());
    expect(validateActivity({ ...out.activity, gripLevel: 'G6' })).toBe(false);
    expect(validateActivity({ ...out.activity, gripLevel: 3 })).toBe(false);
    expect(validateView({ ...out.views[0], category: 'BEELD' })).toBe(false);
    expect(validateView({ ...out.views[0], header: { name: 'x' } })).toBe(false);
    const { contents: _, ...noContents } = out.views[0]!.fields[0]!;
    expect(validateField(noContents)).toBe(false);
  });

  it('keeps provenance in source, outside the LCMS objects', () => {
    const out = buildLcmsExport(sampleReport());
    expect(out.source).toMatchObject({
      app: 'Baken', team: 'ROT Brabant-Noord', device: 'Anna de Vries (IM, ROT Brabant-Noord)', incidentId: 'c0ffee00c0ffee00c0ffee00c0ffee00',
      report: { label: '2', id: '5e7'.padStart(64, '0'), state: 'approved' }, generatedAt: '2026-12-01T15:00:00.000Z', audience: 'partner', exercise: false, gripLevel: 3, assumed: [],
    });
    expect(JSON.stringify(out.activity)).not.toContain('Baken"');
    expect(Object.keys(out)).toEqual(['source', 'activity', 'views', 'actions']);
  });

  it('marks an exercise in the activity name, in the document language', () => {
    expect(buildLcmsExport(sampleReport({ exercise: true })).activity.name).toBe('OEFENING – Uitval netwerk Defensie (NAFIN)');
    const en = buildLcmsExport(sampleReport({ exercise: true, lang: 'en' }));
    expect(en.activity.name).toBe('EXERCISE – Uitval netwerk Defensie (NAFIN)');
    expect(en.source.exercise).toBe(true);
    expectValid(en);
  });

  it('archives a closed incident and names an untitled one by its id', () => {
    const base = sampleReport();
    const out = buildLcmsExport({ ...base, incident: { ...base.incident, status: 'closed', title: null, location: null } });
    expectValid(out);
    expect(out.activity.status).toBe('ARCHIVED');
    expect(out.activity.name).toBe('Incident c0ffee00');
    expect(out.activity.location).toBe('');
  });

  it('without a GRIP level for the audience it says G0 and that it was assumed, and still validates', () => {
    const base = sampleReport();
    const out = buildLcmsExport({ ...base, incident: { ...base.incident, gripLevel: null, gripHistory: [] } });
    expect(out.activity.gripLevel).toBe('G0');
    expect(out.source).toMatchObject({ gripLevel: null, assumed: ['activity.gripLevel: G0, since no GRIP level is recorded for this audience'] });
    expectValid(out);
    const { gripLevel: _dropped, ...without } = out.activity;
    expect(errors(validateActivity, without)).toEqual([" must have required property 'gripLevel'"]);
  });

  it('validates with empty sections, no actions and no team', () => {
    const base = sampleReport();
    const doc: ReportDocument = { ...base, generator: { ...base.generator, team: null }, actions: [], sections: base.sections.map((s): ReportSection => ({ ...s, text: null, items: [], changed: false })) };
    const out = buildLcmsExport(doc);
    expectValid(out);
    expect(out.views.every((v) => v.empty && v.fields[0]!.empty && !v.fields[0]!.hasNonDefaultContent)).toBe(true);
    expect(out.views[0]!.fields[0]!.contents).toBe('<p><i>Niets te melden voor deze ontvangers.</i></p>');
    expect(out.activity.organisation.name).toBe('(geen team)');
    expect(out.actions).toEqual([]);
    expect(out.activity.involvedOrganisations).toEqual([]);
  });

  for (const [name, text] of Object.entries(HOSTILE)) {
    it(`survives ${name} text as title, location, names and item text`, () => {
      const base = withItemText(sampleReport({ lang: name === 'rtl' ? 'en' : 'nl' }), text);
      const doc: ReportDocument = { ...base, incident: { ...base.incident, title: text, location: text }, sections: base.sections.map((s) => ({ ...s, title: text, text })) };
      const out = buildLcmsExport(doc);
      expectValid(out);
      expect(out.activity.name).toBe(cleanText(text));
      for (const s of allStrings(out)) expect(s).not.toMatch(UNSAFE);
      for (const view of out.views) {
        const html = view.fields[0]!.contents;
        expectSimpleHtml(html);
        expect(html).not.toMatch(/<script/i);
        expect(unescape(html)).toContain(cleanText(text).trim().split('\n')[0]);
      }
    });
  }

  it('renders each item with its local time, who and text, and marks new and changed ones', () => {
    const out = buildLcmsExport(sampleReport());
    const picture = out.views.find((v) => v.alias === 'picture')!.fields[0]!.contents;
    expect(picture).toContain('<li><b>[nieuw]</b> <i>1 dec 14:01 CET, Anna de Vries (IM, ROT Brabant-Noord), melding</i><br>a &lt; b &amp;&amp; c &gt; d &quot;quoted&quot; &#39;single&#39; &amp;amp; &amp;#x41;<br><i>(gebeurd 1 dec 12:55 CET)</i></li>');
    expect(picture).toContain('<b>[gewijzigd]</b>');
    expect(picture).toContain('esc\\u{1b}[31mrood');
    expect(picture).toContain('<li><i>1 dec 14:03 CET');
    const en = buildLcmsExport(sampleReport({ lang: 'en' })).views.find((v) => v.alias === 'picture')!.fields[0]!.contents;
    expect(en).toContain('<b>[new]</b> <i>1 Dec 14:01 CET');
    expect(en).toContain('<b>[changed]</b>');
  });

  it('puts picture sections under SITUATIEBEELD and disciplines under Monodisciplines, one view per discipline', () => {
    const base = sampleReport();
    const disciplines: ReportSection = {
      key: 'disciplines', title: 'Disciplines', text: null, classification: 'partner', discipline: null, changed: true,
      items: ['GZ', 'POL', 'GZ'].map((code, n) => ({ ...base.sections[1]!.items[0]!, entryId: String(n).padStart(64, 'd'), text: `${code} beeld`, discipline: code })),
    };
    const out = buildLcmsExport({ ...base, sections: [...base.sections, disciplines] });
    expectValid(out);
    const byAlias = Object.fromEntries(out.views.map((v) => [v.alias, v]));
    expect(byAlias.picture).toMatchObject({ category: 'SITUATIEBEELD', header: { id: 1, name: 'Multidisciplinair' }, domainCode: 'MULTI' });
    expect(byAlias.decisions).toMatchObject({ category: 'REGULAR', header: { name: 'Multidisciplinair' } });
    expect(byAlias['discipline-BRW']).toMatchObject({ category: 'SITUATIEBEELD', header: { id: 2, name: 'Monodisciplines' }, domainCode: 'BRW', name: 'Brandweer' });
    expect(byAlias['disciplines:GZ']).toMatchObject({ header: { name: 'Monodisciplines' }, domainCode: 'GZ', name: 'Disciplines – GZ' });
    expect(byAlias['disciplines:GZ']!.fields[0]!.contents.match(/<li>/g)).toHaveLength(2);
    expect(byAlias['disciplines:POL']!.fields[0]!.contents).toContain('POL beeld');
    expect(byAlias.disciplines).toBeUndefined();
    expect(out.views.map((v) => v.position)).toEqual(out.views.map((_, i) => i));
  });

  it('maps actions: priority as is, taker and giver as LCMS addresses, status in words', () => {
    const [urgent, press] = buildLcmsExport(sampleReport()).actions;
    expect(urgent).toMatchObject({
      summary: 'Noodstroom regelen <b>nu</b>', priority: 'URGENT', status: 'IN_PROGRESS', deadline: Date.parse('2026-12-01T16:00:00.000Z'),
      actionTaker: { label: 'Netbeheerder Enexis', organisation: 'Enexis', team: null, discipline: null, function: null },
      actionGiver: { label: 'Anna de Vries (IM, ROT Brabant-Noord)', organisation: 'Veiligheidsregio Brabant-Noord', team: 'ROT Brabant-Noord', discipline: 'MULTI', function: 'IM' },
    });
    expect(urgent!.description).toBe(`Noodstroom regelen <b>nu</b>\n${HOSTILE.xml}`);
    expect(press).toMatchObject({ priority: 'LOW', status: 'DONE', actionGiver: null, deadline: null });
    expect(urgent!.id).not.toBe(press!.id);
  });

  it('derives every id from the document: same input, same ids; a later report addresses the same views', () => {
    const a = buildLcmsExport(sampleReport());
    const b = buildLcmsExport(sampleReport());
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const base = sampleReport();
    const later = buildLcmsExport({ ...base, report: { ...base.report, id: '6'.repeat(64), label: '3', number: 3 } });
    expect(later.views.map((v) => v.uuid)).toEqual(a.views.map((v) => v.uuid));
    const ids = [a.activity.id, ...a.views.flatMap((v) => [v.uuid, ...v.fields.map((f) => f.uuid)]), ...a.actions.map((x) => x.id)];
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(derivedUuid('view', 'x')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(derivedUuid('a', 'bc')).not.toBe(derivedUuid('ab', 'c'));
  });

  it('matches the golden file byte for byte', () => {
    expectGolden('lcms-sample.json', `${JSON.stringify(buildLcmsExport(goldenReport()), null, 2)}\n`);
  });
});

/** The sample with the 100 KB text cut short, so the golden file stays readable. */
function goldenReport(overrides: Partial<ReportDocument> = {}): ReportDocument {
  const doc = sampleReport(overrides);
  return { ...doc, sections: doc.sections.map((s) => ({ ...s, items: s.items.map((i) => (i.text === HOSTILE.long ? { ...i, text: 'Lange melding. '.repeat(3) } : i)) })) };
}

