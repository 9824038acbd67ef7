import { describe, expect, it } from 'vitest';
import { buildCapAlert, gripToCap, type CapOptions } from '../../shared/report/cap.js';
import type { ReportDocument } from '../../shared/report/model.js';
import { cut, offsetDateTime, oneLineText, xmlSafe } from '../../shared/report/xml-values.js';
import { HOSTILE, sampleReport } from './fixtures.js';
import { expectGolden, expectValid, goldenDoc, readBack, SCHEMAS, xmllint } from './xml-support.js';

const RESTRICTED: CapOptions = { msgType: 'Alert', references: [], scope: 'Restricted', restriction: 'Alleen crisispartners', languages: ['nl', 'en'] };
const EARLIER = 'baken:0000000000000000@rot-brabant-noord,baken-earlier,2026-12-01T14:00:00+01:00';

type Info = Record<string, string | Record<string, unknown>>;
const alertOf = (xml: string) => readBack(xml).alert as Record<string, unknown>;
const infosOf = (xml: string): Info[] => {
  const info = alertOf(xml).info as Info | Info[];
  return Array.isArray(info) ? info : [info];
};

function withTitle(title: string | null): ReportDocument {
  const doc = sampleReport();
  return { ...doc, incident: { ...doc.incident, title } };
}

function withSummary(text: string): ReportDocument {
  const doc = sampleReport();
  return { ...doc, sections: doc.sections.map((s) => (s.key === 'summary' ? { ...s, text } : s)) };
}

function withItemText(text: string): ReportDocument {
  const doc = sampleReport();
  return { ...doc, sections: doc.sections.map((s) => (s.key === 'picture' ? { ...s, items: s.items.map((i, n) => (n === 0 ? { ...i, text } : i)) } : s)) };
}

describe('buildCapAlert', () => {
  it('xmllint rejects a broken alert, so the checks below can fail', () => {
    const xml = buildCapAlert(sampleReport(), RESTRICTED).replace('<status>Actual</status>', '<status>Maybe</status>');
    const { code, stderr } = xmllint(xml, SCHEMAS.cap);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/status/);
  });

  it('the sample report is a valid CAP 1.2 alert with one info per language', () => {
    const xml = buildCapAlert(sampleReport(), RESTRICTED);
    expectValid(xml, SCHEMAS.cap);
    const alert = alertOf(xml);
    expect(alert.identifier).toBe(`baken-${sampleReport().report.id}`);
    expect(alert.sender).toBe('baken:0000000000000000@rot-brabant-noord');
    // An approved report's alert is sent as of its approval (14:31 UTC), so a later Update can name it.
    expect(alert.sent).toBe('2026-12-01T15:31:00+01:00');
    expect(alert.status).toBe('Actual');
    expect(alert.scope).toBe('Restricted');
    expect(alert.restriction).toBe('Alleen crisispartners');
    expect(alert.note).toContain(sampleReport().report.id!);
    expect(alert.note).toContain('ROT Brabant-Noord');
    const infos = infosOf(xml);
    expect(infos.map((i) => i.language)).toEqual(['nl-NL', 'en-US']);
    expect(infos[0]).toMatchObject({ category: 'Other', event: 'Uitval netwerk Defensie (NAFIN)', urgency: 'Immediate', severity: 'Severe', certainty: 'Observed', headline: 'SITREP 2: Uitval netwerk Defensie (NAFIN)' });
    expect(infos[0]!.instruction).toBeUndefined();
    expect(infos[0]!.web).toBeUndefined();
    expect(JSON.stringify(infos[0]!.area)).toContain('Eindhoven & omgeving');
    const description = infos[0]!.description as string;
    expect(description.indexOf('Samenvatting')).toBeLessThan(description.indexOf('Beeld\n'));
    expect(description).toContain('Noodstroom regelen <b>nu</b>');
    expect(xml).not.toContain('<script>');
    expect(xml).not.toMatch(/<sent>[^<]*Z</);
  });

  it('an exercise says so in status, note and headline', () => {
    const xml = buildCapAlert(sampleReport({ exercise: true }), RESTRICTED);
    expectValid(xml, SCHEMAS.cap);
    expect(alertOf(xml).status).toBe('Exercise');
    expect(alertOf(xml).note).toMatch(/^OEFENING/);
    expect(infosOf(xml).map((i) => String(i.headline).split(':')[0])).toEqual(['OEFENING', 'EXERCISE']);
  });

  for (const msgType of ['Alert', 'Update', 'Cancel'] as const) {
    it(`${msgType} with references validates and refers to the earlier alerts`, () => {
      const second = 'other@example.nl,KSTO-1,2026-11-30T10:00:00-05:00';
      const xml = buildCapAlert(sampleReport(), { ...RESTRICTED, msgType, references: [EARLIER, second] });
      expectValid(xml, SCHEMAS.cap);
      expect(alertOf(xml).msgType).toBe(msgType);
      expect(alertOf(xml).references).toBe(`${EARLIER} ${second}`);
      expect(String(alertOf(xml).identifier).endsWith(msgType === 'Alert' ? sampleReport().report.id! : `-${msgType.toLowerCase()}`)).toBe(true);
    });
  }

  it('an Update or Cancel cannot refer to itself or to nothing, and references must be CAP triples', () => {
    const own = `baken:0000000000000000@rot-brabant-noord,baken-${sampleReport().report.id}-update,2026-12-01T14:00:00+01:00`;
    expect(() => buildCapAlert(sampleReport(), { ...RESTRICTED, msgType: 'Update', references: [own] })).toThrow(/refer to itself/);
    expect(() => buildCapAlert(sampleReport(), { ...RESTRICTED, msgType: 'Cancel', references: [] })).toThrow(/must name/);
    expect(() => buildCapAlert(sampleReport(), { ...RESTRICTED, references: ['a,b'] })).toThrow(/reference 1/);
    expect(() => buildCapAlert(sampleReport(), { ...RESTRICTED, references: ['a b,c,2026-12-01T14:00:00Z'] })).toThrow(/reference 1/);
  });

  it('refuses a Public alert from a copy not meant for the public, and Restricted without a restriction', () => {
    expect(() => buildCapAlert(sampleReport(), { ...RESTRICTED, scope: 'Public' })).toThrow(/openbaar/);
    expect(() => buildCapAlert(sampleReport(), { ...RESTRICTED, restriction: '  ' })).toThrow(/restriction/);
    expect(() => buildCapAlert(sampleReport(), { ...RESTRICTED, languages: [] })).toThrow(/language/);
    const xml = buildCapAlert(sampleReport({ audience: 'openbaar' }), { ...RESTRICTED, scope: 'Public', restriction: 'ignored' });
    expectValid(xml, SCHEMAS.cap);
    expect(alertOf(xml).restriction).toBeUndefined();
  });

  it('exports one entry: its text as description, "<kind>: first 80 characters" as headline', () => {
    const doc = sampleReport();
    const entry = doc.sections.find((s) => s.key === 'communication')!.items[0]!;
    const xml = buildCapAlert(doc, { ...RESTRICTED, languages: ['nl'], entry });
    expectValid(xml, SCHEMAS.cap);
    expect(alertOf(xml).identifier).toBe(`baken-${entry.entryId}`);
    expect(alertOf(xml).note).toContain(entry.entryId);
    const [info] = infosOf(xml);
    expect(info!.description).toBe(entry.text);
    expect(info!.headline).toBe(`communicatie: ${entry.text.slice(0, 79).trim()}…`);
    expect(JSON.stringify(info!.parameter)).toContain(entry.entryId);
  });

  it('refuses an entry that is not in this copy', () => {
    const doc = sampleReport();
    const entry = { ...doc.sections[1]!.items[0]!, entryId: 'f'.repeat(64) };
    expect(() => buildCapAlert(doc, { ...RESTRICTED, entry })).toThrow(/not part of this copy/);
  });

  for (const [name, text] of Object.entries(HOSTILE)) {
    it(`hostile text (${name}) as title, summary and entry stays valid and arrives as written`, () => {
      for (const doc of [withTitle(text), withSummary(text), withItemText(text)]) {
        const xml = buildCapAlert(doc, RESTRICTED);
        expectValid(xml, SCHEMAS.cap);
        expect(xml).not.toContain('<script>');
        expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
      }
      const titled = infosOf(buildCapAlert(withTitle(text), RESTRICTED))[0]!;
      expect(titled.event).toBe(xmlSafe(cut(oneLineText(text), 160)));
      expect(infosOf(buildCapAlert(withSummary(text), RESTRICTED))[0]!.description).toContain(xmlSafe(text.trim()));
      expect(infosOf(buildCapAlert(withItemText(text), RESTRICTED))[0]!.description).toContain(xmlSafe(text.trim()));
      const entryDoc = withItemText(text);
      const xml = buildCapAlert(entryDoc, { ...RESTRICTED, entry: entryDoc.sections[1]!.items[0]! });
      expectValid(xml, SCHEMAS.cap);
      expect(infosOf(xml)[0]!.description).toBe(xmlSafe(text));
    });
  }

  it('control characters become U+FFFD, so the loss is visible', () => {
    const xml = buildCapAlert(withSummary(HOSTILE.control), RESTRICTED);
    expect(infosOf(xml)[0]!.description).toContain('bel\uFFFD esc\uFFFD[31mrood\uFFFD[0m nul\uFFFD tab\t vt');
  });

  it('keeps the ~100 KB text whole (CAP has no length limit) and cuts only the headline', () => {
    const xml = buildCapAlert(withTitle(HOSTILE.long), RESTRICTED);
    expectValid(xml, SCHEMAS.cap);
    const [info] = infosOf(xml);
    expect([...String(info!.headline)].length).toBeLessThanOrEqual(160);
    expect([...String(info!.event)].length).toBeLessThanOrEqual(160);
    expect(String(info!.description)).toContain(HOSTILE.long.trim());
  });

  it('empty sections keep their headings; a missing title and location still make a valid alert', () => {
    const doc = sampleReport();
    const empty: ReportDocument = {
      ...doc, actions: [], incident: { ...doc.incident, title: null, location: null, gripLevel: null },
      sections: doc.sections.map((s) => ({ ...s, text: null, items: [] })),
    };
    const xml = buildCapAlert(empty, RESTRICTED);
    expectValid(xml, SCHEMAS.cap);
    const [nl, en] = infosOf(xml);
    expect(nl).toMatchObject({ event: 'Incident', urgency: 'Unknown', severity: 'Unknown', certainty: 'Unknown' });
    expect(JSON.stringify(nl!.area)).toContain('Onbekend');
    expect(JSON.stringify(en!.area)).toContain('Unknown');
    expect(String(nl!.description)).toContain('Bijlagen\n(leeg)');
    expect(JSON.stringify(nl!.parameter)).not.toContain('baken:gripLevel');
  });

  it('a communication text becomes the instruction; the areaDesc option wins over the location', () => {
    const doc = sampleReport();
    const withText = { ...doc, sections: doc.sections.map((s) => (s.key === 'communication' ? { ...s, text: 'Ramen en deuren sluiten & binnen blijven' } : s)) };
    const xml = buildCapAlert(withText, { ...RESTRICTED, areaDesc: 'Gemeente Eindhoven' });
    expectValid(xml, SCHEMAS.cap);
    expect(infosOf(xml)[0]!.instruction).toBe('Ramen en deuren sluiten & binnen blijven');
    expect(JSON.stringify(infosOf(xml)[0]!.area)).toContain('Gemeente Eindhoven');
  });

  it('a draft gets a deterministic identifier and says it has no signed record yet', () => {
    const doc = sampleReport();
    const draft = { ...doc, report: { ...doc.report, state: 'draft' as const, id: null, approvedAt: null } };
    const xml = buildCapAlert(draft, RESTRICTED);
    expectValid(xml, SCHEMAS.cap);
    expect(alertOf(xml).identifier).toBe(`baken-draft-${doc.incident.id}-2v1-20261201150000000`);
    expect(alertOf(xml).note).toContain('concept');
    expect(buildCapAlert(draft, RESTRICTED)).toBe(xml);
  });

  it('the sender has no spaces, commas, < or & whatever the team is called', () => {
    const doc = sampleReport();
    const xml = buildCapAlert({ ...doc, generator: { ...doc.generator, team: 'Café <Zeeland>, & Ĳssel', deviceKey: 'ABCDEF0123456789abcdef' } }, RESTRICTED);
    expect(alertOf(xml).sender).toBe('baken:abcdef0123456789@cafe-zeeland-ijssel');
    expect(buildCapAlert({ ...doc, generator: { ...doc.generator, team: null } }, RESTRICTED)).toContain('<sender>baken:0000000000000000@baken</sender>');
  });

  it('same document, same bytes (golden files)', () => {
    expect(buildCapAlert(sampleReport(), RESTRICTED)).toBe(buildCapAlert(sampleReport(), RESTRICTED));
    expectGolden('cap-sample.xml', buildCapAlert(goldenDoc(), RESTRICTED));
    const doc = goldenDoc({ exercise: true, lang: 'en' });
    expectGolden('cap-exercise-update-en.xml', buildCapAlert(doc, { ...RESTRICTED, msgType: 'Update', references: [EARLIER], languages: ['en'] }));
  });

  it('a missing golden file fails', () => {
    if (process.env.UPDATE_GOLDEN === '1') return;
    expect(() => expectGolden('does-not-exist.xml', 'x')).toThrow(/missing/);
  });
});

describe('times and GRIP for CAP', () => {
  it('writes local time with a numeric offset, never Z; UTC as -00:00', () => {
    expect(offsetDateTime('2026-12-01T15:00:00.000Z', 'Europe/Amsterdam')).toBe('2026-12-01T16:00:00+01:00');
    expect(offsetDateTime('2026-07-01T15:00:00.999Z', 'Europe/Amsterdam')).toBe('2026-07-01T17:00:00+02:00');
    expect(offsetDateTime('2026-12-01T15:00:00.000Z', 'UTC')).toBe('2026-12-01T15:00:00-00:00');
    expect(offsetDateTime('2026-12-01T15:00:00.000Z', 'America/St_Johns')).toBe('2026-12-01T11:30:00-03:30');
    expect(offsetDateTime('2026-12-31T23:30:00.000Z', 'Asia/Kolkata')).toBe('2027-01-01T05:00:00+05:30');
    expect(() => offsetDateTime('gisteren', 'UTC')).toThrow(/not a date/);
  });

  it('maps GRIP levels as documented', () => {
    expect(gripToCap(5, false)).toEqual({ urgency: 'Immediate', severity: 'Extreme', certainty: 'Observed' });
    expect(gripToCap(3, false)).toEqual({ urgency: 'Immediate', severity: 'Severe', certainty: 'Observed' });
    expect(gripToCap(2, false)).toEqual({ urgency: 'Expected', severity: 'Moderate', certainty: 'Observed' });
    expect(gripToCap(1, false)).toEqual({ urgency: 'Expected', severity: 'Minor', certainty: 'Observed' });
    expect(gripToCap(3, true).urgency).toBe('Past');
    expect(gripToCap(null, false)).toEqual({ urgency: 'Unknown', severity: 'Unknown', certainty: 'Unknown' });
  });
});
