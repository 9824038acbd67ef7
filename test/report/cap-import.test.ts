import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capToMelding, parseCapAlert, type CapAlert } from '../../electron/backend/report/cap-import.js';
import { buildCapAlert } from '../../shared/report/cap.js';
import { HOSTILE, sampleReport } from './fixtures.js';

const EXAMPLES = join(import.meta.dirname, 'fixtures', 'cap');
const NS = 'urn:oasis:names:tc:emergency:cap:1.2';

function alertXml(body: string, head = `<alert xmlns="${NS}">`): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${head}${body}</alert>`;
}
const HEADER = '<identifier>x-1</identifier><sender>a@b.nl</sender><sent>2026-12-01T16:00:00+01:00</sent><status>Actual</status><msgType>Alert</msgType><scope>Public</scope>';
const INFO = '<info><category>Safety</category><event>Brand</event><urgency>Immediate</urgency><severity>Severe</severity><certainty>Observed</certainty><area><areaDesc>Eindhoven</areaDesc></area></info>';

function refused(input: string | Uint8Array): string {
  const result = parseCapAlert(input);
  if (result.ok) throw new Error('expected the input to be refused, but it was read');
  return result.problem;
}

function read(input: string | Uint8Array): CapAlert {
  const result = parseCapAlert(input);
  if (!result.ok) throw new Error(`expected the input to be read, but: ${result.problem}`);
  return result.alert;
}

describe('parseCapAlert', () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.xml'));

  it('has the five official examples to read', () => {
    expect(files).toHaveLength(5);
  });

  for (const file of files) {
    it(`reads the official example ${file}, as bytes and as text`, () => {
      const bytes = readFileSync(join(EXAMPLES, file));
      const alert = read(new Uint8Array(bytes));
      expect(alert.identifier).not.toBe('');
      expect(alert.sent).toMatch(/[+-]\d\d:\d\d$/);
      expect(alert.infos.length).toBeGreaterThan(0);
      for (const info of alert.infos) {
        expect(info.event).not.toBe('');
        expect(info.areas.length).toBeGreaterThan(0);
      }
      expect(read(bytes.toString('utf8'))).toEqual(alert);
    });
  }

  it('reads the fields of an example as written', () => {
    const alert = read(readFileSync(join(EXAMPLES, 'v1dot2_appendix_adot3.xml'), 'utf8'));
    expect(alert).toMatchObject({ identifier: 'TRI13970876.2', sender: 'trinet@caltech.edu', sent: '2003-06-11T20:56:00-07:00', status: 'Actual', msgType: 'Update', scope: 'Public' });
    expect(alert.infos[0]).toMatchObject({ language: 'en-US', event: 'Earthquake', headline: 'EQ 3.4 Imperial County CA' });
  });

  it('reads back what buildCapAlert wrote, hostile text included, decoding each entity once', () => {
    const doc = sampleReport();
    const xml = buildCapAlert(doc, { msgType: 'Alert', references: [], scope: 'Restricted', restriction: 'partners', languages: ['nl', 'en'] });
    const alert = read(xml);
    expect(alert.infos.map((i) => i.language)).toEqual(['nl-NL', 'en-US']);
    expect(alert.infos[0]!.description).toContain(HOSTILE.markup);
    expect(alert.infos[0]!.description).toContain(HOSTILE.xml);
    expect(alert.infos[0]!.areas).toEqual(['Eindhoven & omgeving']);
  });

  it('decodes character references and CDATA, and reads a prefixed alert', () => {
    const prefixed = (xml: string) => xml.replace(/<(\/?)(\w+)>/g, '<$1cap:$2>');
    const info = prefixed(INFO).replace('Brand', '&#x1F525; &amp;lt;&#65;<![CDATA[<b>&amp;</b>]]>');
    const alert = read(`<cap:alert xmlns:cap="${NS}">${prefixed(HEADER)}${info}</cap:alert>`);
    expect(alert.infos[0]!.event).toBe('🔥 &lt;A<b>&amp;</b>');
  });

  it('refuses a file over 5 MB before reading it (a 50 MB file made in memory)', () => {
    const big = new Uint8Array(50 * 1024 * 1024).fill(0x20);
    expect(refused(big)).toBe('the file is 50.0 MB; a CAP alert is at most 5 MB');
    expect(refused(alertXml(HEADER + `<note>${'x'.repeat(6 * 1024 * 1024)}</note>`))).toMatch(/6\.0 MB; a CAP alert is at most 5 MB/);
  });

  it('refuses entity expansion (billion laughs)', () => {
    const lol = ['<?xml version="1.0"?>', '<!DOCTYPE lolz [', ' <!ENTITY lol "lol">'];
    for (let i = 1; i <= 9; i++) lol.push(` <!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
    lol.push(']>', `<alert xmlns="${NS}"><identifier>&lol9;</identifier></alert>`);
    expect(refused(lol.join('\n'))).toMatch(/DOCTYPE/);
  });

  it('refuses an external entity', () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${alertXml(HEADER.replace('x-1', '&xxe;')).replace(/^<\?xml[^>]*>\n/, '')}`;
    expect(refused(xxe)).toMatch(/DOCTYPE/);
    expect(refused(`<!ENTITY xxe SYSTEM "file:///etc/passwd">${alertXml(HEADER)}`)).toMatch(/ENTITY/);
  });

  it('refuses an entity XML does not define', () => {
    expect(refused(alertXml(HEADER.replace('x-1', 'x&nbsp;1')))).toMatch(/&nbsp;/);
  });

  it('refuses what is not XML, or not valid text', () => {
    expect(refused('Dit is gewoon een mail.')).toMatch(/not well-formed XML/);
    expect(refused(alertXml(HEADER).replace('</alert>', '</alrt>'))).toMatch(/not well-formed XML/);
    expect(refused('')).toBe('the file is empty');
    expect(refused(Uint8Array.from([0x3c, 0x61, 0x3e, 0xff, 0xfe, 0x3c, 0x2f, 0x61, 0x3e]))).toMatch(/not valid utf-8/);
    expect(refused(new TextEncoder().encode('<?xml version="1.0" encoding="x-klingon"?><a/>'))).toMatch(/encoding Baken cannot read/);
  });

  it('reads an alert in another declared encoding', () => {
    const latin1 = Buffer.from(alertXml(HEADER + INFO.replace('Brand', 'Café')).replace('UTF-8', 'ISO-8859-1'), 'latin1');
    expect(read(new Uint8Array(latin1)).infos[0]!.event).toBe('Café');
  });

  it('refuses a wrong root or namespace', () => {
    expect(refused('<rss version="2.0"><channel/></rss>')).toBe("the file's outer element is <rss>, not a CAP <alert>");
    expect(refused(alertXml(HEADER, '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.1">'))).toMatch(/cap:1\.1.*only CAP 1\.2/);
    expect(refused(alertXml(HEADER, '<alert>'))).toMatch(/namespace \(none\)/);
  });

  it('refuses a missing or wrong required field, saying which', () => {
    expect(refused(alertXml(HEADER.replace('<sender>a@b.nl</sender>', '')))).toBe('the alert has no <sender>, which CAP requires');
    expect(refused(alertXml(HEADER.replace('Public', 'Everyone')))).toMatch(/<scope> "Everyone"; CAP 1.2 allows Public, Restricted, Private/);
    expect(refused(alertXml(HEADER.replace('+01:00', 'Z')))).toMatch(/<sent>.*not a CAP time/);
    expect(refused(alertXml(HEADER + INFO.replace('<event>Brand</event>', '')))).toBe('info 1 has no <event>, which CAP requires');
    expect(refused(alertXml(HEADER + INFO.replace('<category>Safety</category>', '')))).toBe('info 1 has no <category>, which CAP requires');
    expect(refused(alertXml(HEADER + INFO.replace('Severe', 'Bad')))).toMatch(/info 1 has <severity> "Bad"/);
    expect(refused(alertXml(HEADER + INFO.replace('<areaDesc>Eindhoven</areaDesc>', '')))).toBe('area 1 of info 1 has no <areaDesc>, which CAP requires');
    expect(refused(alertXml(HEADER + '<identifier>again</identifier>'))).toMatch(/2 <identifier> elements/);
    expect(refused(alertXml(HEADER.replace('x-1', '<b>x</b>')))).toMatch(/elements inside <identifier>/);
  });

  it('refuses deep nesting and floods of elements before parsing', () => {
    const deep = alertXml(HEADER + '<note>' + '<a>'.repeat(100_000) + '</a>'.repeat(100_000) + '</note>');
    expect(refused(deep)).toMatch(/more than 32 deep/);
    const flood = alertXml(HEADER + '<x/>'.repeat(60_000));
    expect(refused(flood)).toMatch(/more than 50000 elements/);
    // A ">" inside a quoted attribute does not end the tag.
    expect(read(alertXml(HEADER + INFO, `<alert xmlns="${NS}" data-x="a>b">`)).identifier).toBe('x-1');
  });
});

describe('capToMelding', () => {
  it('makes a readable melding with where it came from', () => {
    const alert = read(readFileSync(join(EXAMPLES, 'v1dot2_appendix_adot2.xml'), 'utf8'));
    const { text, source } = capToMelding(alert, 'onweer.xml');
    expect(source).toBe(`CAP ${alert.sender} ${alert.identifier}`);
    expect(text).toContain('onweer.xml');
    expect(text).toContain(alert.sent);
    expect(text).toContain(alert.infos[0]!.headline!);
    expect(text).toContain(`Gebeurtenis: ${alert.infos[0]!.event}`);
    expect(text).toContain(alert.infos[0]!.description!);
    expect(text).toContain(`Gebied: ${alert.infos[0]!.areas.join('; ')}`);
  });

  it('says an exercise is an exercise', () => {
    const alert = read(alertXml(HEADER.replace('Actual', 'Exercise') + INFO));
    expect(capToMelding(alert, 'x.xml').text).toMatch(/^OEFENING/);
  });

  it('keeps text within 20,000 characters and source within 500, marking the cut', () => {
    const long = '🔥'.repeat(15_000);
    const alert = read(alertXml(HEADER.replace('x-1', 'i'.repeat(600)) + INFO.replace('<event>Brand</event>', `<event>Brand</event><description>${long}</description>`)));
    const { text, source } = capToMelding(alert, 'x.xml');
    expect(text.length).toBeLessThanOrEqual(20_000);
    expect(text.endsWith('[…ingekort]')).toBe(true);
    expect(text).not.toMatch(/[\uD800-\uDBFF]\n\[/);
    expect(source.length).toBeLessThanOrEqual(500);
    expect(source.endsWith('…')).toBe(true);
  });
});
