import type { LogExtract, ReportDocument, ReportItem } from '../../shared/report/model.js';

/** Texts that must never break an export: markup, XML specials, control characters, right-to-left, emoji. */
export const HOSTILE = {
  markup: '<script>alert("x")</script> & <b>vet</b> ]]> <!-- -->',
  xml: 'a < b && c > d "quoted" \'single\' &amp; &#x41;',
  control: 'bel\u0007 esc\u001b[31mrood\u001b[0m nul\u0000 tab\t vt\u000b',
  rtl: 'مرحبا بالعالم — שלום \u202Eabc\u202C',
  emoji: 'Brand 🔥 bij 🚒 — Zeeuws-Vlaanderen, café Ĳsselmeer',
  long: 'Lange melding. '.repeat(6_700), // ≈ 100 KB
} as const;

const at = (h: number, m: number) => new Date(Date.UTC(2026, 11, 1, h, m)).toISOString();
const id = (n: number) => n.toString(16).padStart(64, '0');

function item(n: number, kind: string, text: string, extra: Partial<ReportItem> = {}): ReportItem {
  return { entryId: id(n), kind, text, at: at(13, n % 60), happenedAt: null, who: 'Anna de Vries (IM, ROT Brabant-Noord)', classification: 'partner', change: 'new', corrected: false, discipline: null, ...extra };
}

/** An approved report, Dutch, for partners, with every kind of hostile text somewhere. */
export function sampleReport(overrides: Partial<ReportDocument> = {}): ReportDocument {
  return {
    lang: 'nl',
    audience: 'partner',
    exercise: false,
    generator: { app: 'Baken', version: '0.1.0', team: 'ROT Brabant-Noord', device: 'Anna de Vries (IM, ROT Brabant-Noord)', deviceKey: id(0xa11a), generatedAt: at(15, 0), timeZone: 'Europe/Amsterdam' },
    incident: {
      id: 'c0ffee00c0ffee00c0ffee00c0ffee00', title: 'Uitval netwerk Defensie (NAFIN)', location: 'Eindhoven & omgeving', start: at(12, 0), status: 'open', gripLevel: 3,
      gripHistory: [
        { level: 1, at: at(12, 5), who: 'Anna de Vries (IM, ROT Brabant-Noord)', reason: null },
        { level: 3, at: at(13, 30), who: 'Bram Jansen (OvD, CoPI)', reason: 'Bevolking <gemeente> geraakt' },
      ],
    },
    report: {
      state: 'approved', id: id(0x5e7), number: 2, version: 1, label: '2', pictureAt: at(14, 30), nextDueAt: at(16, 30), overdue: false,
      author: 'Anna de Vries (IM, ROT Brabant-Noord)', authorKey: id(0xa11a), approvedAt: at(14, 31), team: 'ROT Brabant-Noord', previous: '1',
    },
    sections: [
      { key: 'summary', title: 'Samenvatting', text: `Netwerk uit sinds 12:00. ${HOSTILE.markup}`, classification: 'partner', discipline: null, items: [], changed: true },
      { key: 'picture', title: 'Beeld', text: null, classification: 'intern', discipline: null, changed: true, items: [
        item(1, 'melding', HOSTILE.xml, { happenedAt: at(11, 55) }),
        item(2, 'beeld', HOSTILE.control, { change: 'changed', corrected: true }),
        item(3, 'melding', HOSTILE.rtl, { change: 'unchanged' }),
      ] },
      { key: 'judgement', title: 'Oordeel', text: null, classification: 'intern', discipline: null, changed: true, items: [item(4, 'knelpunt', HOSTILE.emoji)] },
      { key: 'forecast', title: 'Prognose en aanpak', text: null, classification: 'intern', discipline: null, items: [], changed: false },
      { key: 'decisions', title: 'Besluiten en maatregelen', text: null, classification: 'intern', discipline: null, changed: true, items: [item(5, 'besluit', 'Opschalen naar GRIP 3', { who: 'Bram Jansen (OvD, CoPI)' })] },
      { key: 'actions', title: 'Acties', text: null, classification: 'intern', discipline: null, items: [], changed: true },
      { key: 'discipline-BRW', title: 'Brandweer', text: null, classification: 'intern', discipline: 'BRW', changed: true, items: [item(6, 'beeld', 'Twee blusvoertuigen ter plaatse', { discipline: 'BRW' })] },
      { key: 'communication', title: 'Communicatie', text: null, classification: 'intern', discipline: null, changed: true, items: [item(7, 'communicatie', HOSTILE.long)] },
      { key: 'annexes', title: 'Bijlagen', text: null, classification: 'intern', discipline: null, items: [], changed: false },
    ],
    actions: [
      {
        entryId: id(8), summary: 'Noodstroom regelen <b>nu</b>', description: `Noodstroom regelen <b>nu</b>\n${HOSTILE.xml}`, priority: 'URGENT', status: 'in_progress',
        owner: { label: 'Netbeheerder Enexis', organisation: 'Enexis', team: null, discipline: null, function: null },
        issuer: { label: 'Anna de Vries (IM, ROT Brabant-Noord)', organisation: 'Veiligheidsregio Brabant-Noord', team: 'ROT Brabant-Noord', discipline: 'MULTI', function: 'IM' },
        deadline: at(16, 0), overdue: false, classification: 'partner', change: 'new',
      },
      {
        entryId: id(9), summary: 'Persbericht', description: 'Persbericht opstellen', priority: 'LOW', status: 'done',
        owner: { label: 'CCOM', organisation: null, team: null, discipline: 'CCOM', function: null }, issuer: null,
        deadline: null, overdue: false, classification: 'openbaar', change: 'unchanged',
      },
    ],
    ...overrides,
  };
}

export function sampleLogExtract(overrides: Partial<LogExtract> = {}): LogExtract {
  const report = sampleReport();
  return {
    lang: 'nl', audience: 'partner', exercise: false, generator: report.generator, incident: report.incident, from: at(12, 0), to: at(15, 0),
    rows: [
      { entryId: id(1), at: at(12, 1), happenedAt: at(11, 55), who: 'Anna de Vries (IM, ROT Brabant-Noord)', authorKey: id(0xa11a), kind: 'melding', text: HOSTILE.xml, classification: 'partner', corrections: [] },
      { entryId: id(2), at: at(12, 10), happenedAt: null, who: 'Bram Jansen (OvD, CoPI)', authorKey: id(0xb1), kind: 'beeld', text: HOSTILE.control, classification: 'partner', corrections: [{ entryId: id(20), text: 'Gecorrigeerd: 3 voertuigen', at: at(12, 20), who: 'Bram Jansen (OvD, CoPI)' }] },
      { entryId: id(3), at: at(12, 30), happenedAt: null, who: 'Anna de Vries (IM, ROT Brabant-Noord)', authorKey: id(0xa11a), kind: 'melding', text: HOSTILE.rtl, classification: 'openbaar', corrections: [] },
      { entryId: id(4), at: at(12, 40), happenedAt: null, who: 'Anna de Vries (IM, ROT Brabant-Noord)', authorKey: id(0xa11a), kind: 'knelpunt', text: HOSTILE.emoji, classification: 'partner', corrections: [] },
      { entryId: id(5), at: at(12, 50), happenedAt: null, who: 'Anna de Vries (IM, ROT Brabant-Noord)', authorKey: id(0xa11a), kind: 'communicatie', text: HOSTILE.long, classification: 'partner', corrections: [] },
    ],
    ...overrides,
  };
}
