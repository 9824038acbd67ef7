import { describe, expect, it } from 'vitest';
import { buildCapAlert, type CapOptions } from '../../shared/report/cap.js';
import { buildEdxlDe } from '../../shared/report/edxl-de.js';
import type { ReportDocument } from '../../shared/report/model.js';
import { HOSTILE, sampleReport } from './fixtures.js';
import { expectGolden, expectValid, goldenDoc, readBack, SCHEMAS, xmllint } from './xml-support.js';

const CAP: CapOptions = { msgType: 'Alert', references: [], scope: 'Restricted', restriction: 'Alleen crisispartners', languages: ['nl'] };
// "%PDF-1.4\n%âãÏÓ\n" and a few more bytes, as a PDF starts.
const PDF = Buffer.from('%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj <<>> endobj\n%%EOF\n', 'latin1').toString('base64');
const RECIPIENTS = ['rot@vr01.example.nl', 'GHOR Brabant-Noord'];

const withCap = (doc: ReportDocument) => buildEdxlDe(doc, { kind: 'cap', capXml: buildCapAlert(doc, CAP) }, { recipients: RECIPIENTS });
const withPdf = (doc: ReportDocument, fileName = 'sitrep-2.pdf') => buildEdxlDe(doc, { kind: 'pdf', base64: PDF, fileName }, { recipients: RECIPIENTS });
const envelope = (xml: string) => readBack(xml).edxlDistribution as Record<string, any>;

function withTitle(title: string | null): ReportDocument {
  const doc = sampleReport();
  return { ...doc, incident: { ...doc.incident, title } };
}

describe('buildEdxlDe', () => {
  it('the DE schema alone rejects a CAP payload it cannot check, so validation with the driver means something', () => {
    const xml = withCap(sampleReport());
    const { code, stderr } = xmllint(xml, SCHEMAS.de);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/strict wildcard/);
    const broken = xml.replace('<distributionKind>Report</distributionKind>', '<distributionKind>Sitrep</distributionKind>');
    expect(xmllint(broken, SCHEMAS.deWithCap).code).not.toBe(0);
  });

  it('carries the CAP alert as embedded XML and validates with the DE 2.0 + CAP 1.2 driver', () => {
    const doc = sampleReport();
    const cap = buildCapAlert(doc, CAP);
    const xml = buildEdxlDe(doc, { kind: 'cap', capXml: cap }, { recipients: RECIPIENTS });
    expectValid(xml, SCHEMAS.deWithCap);
    const de = envelope(xml);
    expect(de.distributionID).toBe(`baken-${doc.report.id}-de-cap`);
    expect(de.senderID).toBe('baken:0000000000000000@rot-brabant-noord');
    expect(de.dateTimeSent).toBe('2026-12-01T16:00:00+01:00');
    expect(de.dateTimeExpires).toBe('2026-12-02T16:00:00+01:00');
    expect(de.distributionStatus).toBe('Actual');
    expect(de.distributionKind).toBe('Report');
    // The alert inside reads exactly as the alert on its own: nothing decoded twice on the way in.
    expect(de.content.contentObject.contentXML.embeddedXMLContent.alert).toEqual((readBack(cap).alert));
    expect(xml.match(/<\?xml/g)).toHaveLength(1);
    expect(xml).not.toContain('<script>');
  });

  it('carries a PDF as base64 and validates with the DE 2.0 schema', () => {
    const xml = withPdf(sampleReport());
    expectValid(xml, SCHEMAS.de);
    const other = envelope(xml).content.contentObject.otherContent;
    expect(other.mimeType).toBe('application/pdf');
    expect(other.contentData).toBe(PDF);
    expect(Number(other.size)).toBe(Buffer.from(PDF, 'base64').length);
    expect(JSON.stringify(envelope(xml).content.contentObject.contentDescriptor)).toContain('sitrep-2.pdf');
  });

  it('addresses recipients by e-mail or by name, and refuses a blank one', () => {
    const descriptor = envelope(withPdf(sampleReport())).descriptor;
    expect(descriptor.explicitAddress.map((a: Record<string, string>) => ({ explicitAddressScheme: a.explicitAddressScheme, explicitAddressValue: a.explicitAddressValue }))).toEqual([
      { explicitAddressScheme: 'mailto', explicitAddressValue: 'rot@vr01.example.nl' },
      { explicitAddressScheme: 'urn:baken:recipient-name', explicitAddressValue: 'GHOR Brabant-Noord' },
    ]);
    expect(() => buildEdxlDe(sampleReport(), { kind: 'pdf', base64: PDF, fileName: 'x.pdf' }, { recipients: ['a@b.nl', ' '] })).toThrow(/recipient 2 is empty/);
    const none = buildEdxlDe(sampleReport(), { kind: 'pdf', base64: PDF, fileName: 'x.pdf' }, { recipients: [] });
    expectValid(none, SCHEMAS.de);
    expect(envelope(none).descriptor.explicitAddress).toBeUndefined();
  });

  it('says how confidential it is, in the schema\'s two values and in words', () => {
    const expected = { intern: ['Classified', 'INTERN - niet verspreiden'], partner: ['Classified', 'PARTNER - alleen voor crisispartners'], openbaar: ['Unclassified', 'OPENBAAR'] } as const;
    for (const [audience, [level, words]] of Object.entries(expected)) {
      const xml = withPdf(sampleReport({ audience: audience as ReportDocument['audience'] }));
      expectValid(xml, SCHEMAS.de);
      const de = envelope(xml);
      expect(de.descriptor.combinedConfidentiality).toBe(level);
      expect(de.content.contentObject.contentDescriptor.confidentiality).toBe(level);
      expect(de.descriptor.keyword.Value).toMatch(new RegExp(`^${words}`));
    }
  });

  it('an exercise is an Exercise distribution; a second version is an Update', () => {
    const doc = sampleReport({ exercise: true });
    const xml = withCap({ ...doc, report: { ...doc.report, version: 2, label: '2 v2' } });
    expectValid(xml, SCHEMAS.deWithCap);
    expect(envelope(xml).distributionStatus).toBe('Exercise');
    expect(envelope(xml).distributionKind).toBe('Update');
    expect(envelope(xml).descriptor.incidentDescription).toMatch(/^OEFENING: /);
  });

  it('takes an expiry, and refuses one that is not after sending', () => {
    const payload = { kind: 'pdf', base64: PDF, fileName: 'x.pdf' } as const;
    const xml = buildEdxlDe(sampleReport(), payload, { recipients: [], expiresAt: '2026-12-01T23:00:00.000Z' });
    expectValid(xml, SCHEMAS.de);
    expect(envelope(xml).dateTimeExpires).toBe('2026-12-02T00:00:00+01:00');
    expect(() => buildEdxlDe(sampleReport(), payload, { recipients: [], expiresAt: '2026-12-01T14:00:00.000Z' })).toThrow(/after/);
    expect(() => buildEdxlDe(sampleReport(), payload, { recipients: [], expiresAt: 'morgen' })).toThrow(/not a date/);
  });

  it('refuses a payload that is not base64 or not a CAP alert from buildCapAlert', () => {
    expect(() => buildEdxlDe(sampleReport(), { kind: 'pdf', base64: 'not base64!', fileName: 'x.pdf' }, { recipients: [] })).toThrow(/base64/);
    expect(() => buildEdxlDe(sampleReport(), { kind: 'cap', capXml: '<foo/>' }, { recipients: [] })).toThrow(/not an alert/);
    const sneaky = `<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><!DOCTYPE x></alert>`;
    expect(() => buildEdxlDe(sampleReport(), { kind: 'cap', capXml: sneaky }, { recipients: [] })).toThrow(/not an alert/);
  });

  for (const [name, text] of Object.entries(HOSTILE)) {
    it(`hostile text (${name}) as title, file name and recipient stays valid`, () => {
      const doc = withTitle(text);
      const cap = buildEdxlDe(doc, { kind: 'cap', capXml: buildCapAlert(doc, CAP) }, { recipients: [text] });
      expectValid(cap, SCHEMAS.deWithCap);
      const pdf = buildEdxlDe(doc, { kind: 'pdf', base64: PDF, fileName: text }, { recipients: [text] });
      expectValid(pdf, SCHEMAS.de);
      for (const xml of [cap, pdf]) {
        expect(xml).not.toContain('<script>');
        expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
        const description = String(envelope(xml).descriptor.incidentDescription);
        expect([...description].length).toBeLessThanOrEqual(1023);
        if (name === 'markup') expect(description).toBe(HOSTILE.markup);
      }
    });
  }

  it('a missing or blank title leaves out the incident description', () => {
    for (const title of [null, '   ']) {
      const xml = withPdf(withTitle(title));
      expectValid(xml, SCHEMAS.de);
      expect(envelope(xml).descriptor.incidentDescription).toBeUndefined();
    }
  });

  it('same document, same bytes (golden files)', () => {
    expect(withCap(sampleReport())).toBe(withCap(sampleReport()));
    expectGolden('edxl-de-cap.xml', withCap(goldenDoc()));
    expectGolden('edxl-de-pdf.xml', withPdf(goldenDoc({ audience: 'intern', exercise: true })));
  });
});
