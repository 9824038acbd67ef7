import type { Content, ContentText, TDocumentDefinitions, TableCell } from 'pdfmake/interfaces.js';
import { formatLocalTime } from '../time/local-time.js';
import { PRIORITY_WORDS, STATUS_WORDS } from '../present/words.js';
import type { Classification } from '../domain/kinds.js';
import type { Lang } from '../present/words.js';
import type { Generator, ItemChange, ReportAction, ReportDocument, ReportItem, ReportSection } from './model.js';
import { PDF_LABELS, type PdfLabels } from './pdf-labels.js';
import { PDF_FONT, oneLine, pdfText } from './pdf-runs.js';

/**
 * The printed situation report as a pdfmake document definition: a pure object (plus page
 * callbacks), so the same ReportDocument always lays out the same. pdf-writer.ts renders it.
 */

/** Room for the header (classification, exercise banner) and the footer (page, id, QR code). */
export const PAGE_MARGINS: [number, number, number, number] = [40, 68, 40, 92];
/** A4's width inside the margins. */
export const CONTENT_WIDTH = 595.28 - PAGE_MARGINS[0] - PAGE_MARGINS[2];
/** pdfmake's 'lightHorizontalLines' pads each cell 8 pt on its inner sides. */
export const CELL_PADDING = 8;
/**
 * The width left for a table's one wide column: given, not '*', because pdfmake widens a '*'
 * column to its longest unbreakable word and pushes the other columns off the page; a column of
 * given width has its too long words split instead.
 */
export function restWidth(others: number[]): number {
  return Math.floor(CONTENT_WIDTH - others.reduce((a, b) => a + b, 0) - 2 * CELL_PADDING * others.length);
}
const CLASSIFICATION_WIDTH = 90;
const HEADER_TITLE_SIZE = 8;
const QR_SIZE = 66; // 33 modules (77 bytes at level L) of 2 pt: pdfmake rounds modules down to whole points
const GREY = '#555555';
const RED = '#b00000';

export type TimeFormat = (instant: string) => string;

/** Local time with its zone and always the date: a printed page is read on another day. */
export function timeFormat(generator: Generator, lang: Lang): TimeFormat {
  const now = Date.parse(generator.generatedAt);
  return (instant) => formatLocalTime(instant, { zone: generator.timeZone, now, date: 'always', lang });
}

export interface PageFrame {
  title: string;
  incidentTitle: string | null;
  audience: Classification;
  exercise: boolean;
  labels: PdfLabels;
  /** Lines of the footer under the page number, already in words. */
  footerLines: (string | ContentText[])[];
  /** Text for a QR code in the footer's corner, or null for none. */
  qr: string | null;
}

/**
 * What every page carries: the classification in the header (a page that gets separated from the
 * others must still say who may read it), the exercise banner, and the footer.
 */
export function pageFrame(frame: PageFrame): Pick<TDocumentDefinitions, 'header' | 'footer' | 'pageBreakBefore' | 'pageMargins' | 'pageSize' | 'pageOrientation' | 'defaultStyle'> {
  const { labels } = frame;
  const classification = labels.classificationWords[frame.audience];
  return {
    pageSize: 'A4',
    pageOrientation: 'portrait',
    pageMargins: PAGE_MARGINS,
    defaultStyle: { font: PDF_FONT.sans, fontSize: 9.5, lineHeight: 1.15 },
    // A heading in the last seventh of a page starts the next one, so it is not parted from its content.
    pageBreakBefore: (node) => node.headlineLevel === 1 && node.startPosition.verticalRatio > 0.85,
    // pdfmake drops what does not fit the top margin without a word. So the exercise band comes
    // first, and the title is cut to one line: an exercise must never pass for the real thing.
    header: () => ({
      margin: [40, 22, 40, 0],
      stack: [
        // A band, not a watermark: a watermark's letters end up between the words of copied text.
        ...(frame.exercise
          ? [
              {
                table: { widths: ['*'], body: [[{ text: `${labels.exercise} · ${labels.exercise} · ${labels.exercise}`, alignment: 'center', bold: true, color: 'white', fillColor: RED, fontSize: 10 }]] },
                layout: 'noBorders',
                margin: [0, 0, 0, 3],
              } as Content,
            ]
          : []),
        {
          columns: [
            { width: '*', fontSize: HEADER_TITLE_SIZE, color: GREY, text: pdfText(oneLine(`${frame.title} · ${frame.incidentTitle ?? labels.notShared}`, CONTENT_WIDTH - CLASSIFICATION_WIDTH - 10, HEADER_TITLE_SIZE)) },
            { width: CLASSIFICATION_WIDTH, text: classification, bold: true, fontSize: 11, alignment: 'right' },
          ],
        },
      ],
    }),
    footer: (page: number, pages: number) => ({
      margin: [40, 8, 40, 0],
      columns: [
        {
          width: '*',
          stack: [
            {
              columns: [
                { width: '*', text: labels.page(page, pages), bold: true },
                // Again at the foot: a page's exercise marking must not hang on its header alone.
                ...(frame.exercise ? [{ width: 'auto', text: labels.exercise, bold: true, color: RED, margin: [0, 0, 12, 0] as [number, number, number, number] }] : []),
                { width: 'auto', text: classification, bold: true },
              ],
              fontSize: 9,
            },
            ...frame.footerLines.map((line) => ({ text: line, fontSize: 7, color: GREY, margin: [0, 2, 0, 0] as [number, number, number, number] })),
          ],
        },
        frame.qr === null ? { width: 0, text: '' } : { width: QR_SIZE, qr: frame.qr, fit: QR_SIZE, eccLevel: 'L' as const, margin: [10, 0, 0, 0] as [number, number, number, number] },
      ],
      columnGap: 10,
    }),
  };
}

export function asArray(text: string | ContentText[]): (string | ContentText)[] {
  return typeof text === 'string' ? [text] : text;
}

export function sitrepPdfDefinition(doc: ReportDocument): TDocumentDefinitions {
  const labels = PDF_LABELS[doc.lang];
  const time = timeFormat(doc.generator, doc.lang);
  const { report, incident } = doc;
  const generated = labels.generated({ version: doc.generator.version, team: doc.generator.team, device: doc.generator.device, at: time(doc.generator.generatedAt) });
  const title = `${labels.sitrep} ${report.label}`;
  return {
    info: {
      title: `${title} – ${incident.title ?? incident.id}`,
      author: 'Baken',
      subject: labels.classificationWords[doc.audience],
      creator: `Baken ${doc.generator.version}`,
      producer: `Baken ${doc.generator.version} (pdfmake)`,
      creationDate: new Date(doc.generator.generatedAt),
      modDate: new Date(doc.generator.generatedAt),
    },
    ...pageFrame({
      title,
      incidentTitle: incident.title,
      audience: doc.audience,
      exercise: doc.exercise,
      labels,
      footerLines: [report.id === null ? labels.unsigned : labels.check(report.id), pdfText(generated)],
      qr: report.id === null ? null : `baken:sitrep:${report.id}`,
    }),
    styles: {
      title: { fontSize: 18, bold: true },
      subtitle: { fontSize: 12, margin: [0, 2, 0, 10] },
      heading: { fontSize: 12.5, bold: true, margin: [0, 14, 0, 4] },
      label: { bold: true, color: '#333333' },
      tableHead: { bold: true, fillColor: '#eeeeee' },
    },
    content: [
      { text: title, style: 'title' },
      { text: pdfText(incident.title ?? labels.notShared), style: 'subtitle' },
      headerBlock(doc, labels, time),
      ...doc.sections.flatMap((section, i) => sectionContent(section, i + 1, doc, labels, time)),
    ],
  };
}

function headerBlock(doc: ReportDocument, labels: PdfLabels, time: TimeFormat): Content {
  const { report, incident } = doc;
  const lastGrip = incident.gripHistory.at(-1);
  const incidentText: (string | ContentText)[] = [...asArray(pdfText(incident.title ?? labels.notShared))];
  if (incident.location) incidentText.push(' · ', ...asArray(pdfText(incident.location)));
  if (incident.status === 'closed') incidentText.push(` (${labels.closed})`);
  const number = `${report.label} · ${labels.version} ${report.version}${report.previous ? ` · ${labels.follows(report.previous)}` : ''}`;
  const nextDue: (string | ContentText)[] = report.nextDueAt === null ? ['—'] : [time(report.nextDueAt)];
  if (report.overdue) nextDue.push('  ', { text: labels.overdue, bold: true, color: RED });
  const grip: (string | ContentText)[] = [incident.gripLevel === null ? '—' : `GRIP ${incident.gripLevel}`];
  if (lastGrip) grip.push({ text: pdfText(`  ${labels.gripSince(time(lastGrip.at), lastGrip.who)}`), color: GREY });
  const rows: [string, Content][] = [
    [labels.incident, { text: incidentText, bold: true }],
    [labels.reportNumber, number],
    [labels.state, report.state === 'draft' ? { text: labels.draft.toUpperCase(), bold: true, color: RED } : labels.approved(report.approvedAt ? time(report.approvedAt) : '')],
    [labels.pictureAt, time(report.pictureAt)],
    [labels.nextDue, { text: nextDue }],
    [labels.grip, { text: grip }],
    [labels.author, { text: pdfText(report.author) }],
    [labels.team, { text: pdfText(report.team ?? '—') }],
    [labels.classification, { text: [{ text: labels.classificationWords[doc.audience], bold: true }, ` — ${labels.distribution[doc.audience]}`] }],
  ];
  return {
    table: { widths: [125, restWidth([125])], body: rows.map(([label, value]): TableCell[] => [{ text: label, style: 'label' }, value]) },
    layout: 'lightHorizontalLines',
    margin: [0, 0, 0, 6],
  };
}

function marker(change: ItemChange, labels: PdfLabels): ContentText[] {
  if (change === 'new') return [{ text: `${labels.markNew} `, bold: true }];
  if (change === 'changed') return [{ text: `${labels.markChanged} `, bold: true }];
  return [];
}

function itemLine(item: ReportItem, labels: PdfLabels, time: TimeFormat): Content {
  const meta = [time(item.at), item.who, ...(item.happenedAt ? [labels.happened(time(item.happenedAt))] : [])].join(' · ');
  return {
    text: [
      ...marker(item.change, labels),
      { text: pdfText(`${meta} · `), color: '#333333' },
      ...asArray(pdfText(item.text)),
      ...(item.corrected ? [{ text: ` ${labels.corrected}`, italics: true }] : []),
    ],
    margin: [0, 0, 0, 3],
  };
}

function sectionContent(section: ReportSection, n: number, doc: ReportDocument, labels: PdfLabels, time: TimeFormat): Content[] {
  const actions = section.key === 'actions' ? doc.actions : [];
  const out: Content[] = [{ text: [`${n}. `, ...asArray(pdfText(section.title))], style: 'heading', headlineLevel: 1 }];
  if (section.text) out.push({ text: pdfText(section.text), margin: [0, 0, 0, 4] });
  if (section.items.length > 0) out.push({ ul: section.items.map((item) => itemLine(item, labels, time)) });
  if (actions.length > 0) out.push(actionTable(actions, doc.lang, labels, time));
  if (!section.text && section.items.length === 0 && actions.length === 0) out.push({ text: labels.none, color: GREY });
  return out;
}

function actionTable(actions: ReportAction[], lang: Lang, labels: PdfLabels, time: TimeFormat): Content {
  const c = labels.actionColumns;
  const head: TableCell[] = [c.description, c.owner, c.issuer, c.priority, c.status, c.deadline].map((text) => ({ text, style: 'tableHead' }));
  const body: TableCell[][] = actions.map((a) => [
    { text: [...marker(a.change, labels), ...asArray(pdfText(a.description))] },
    { text: pdfText(a.owner.label) },
    { text: pdfText(a.issuer?.label ?? '—') },
    PRIORITY_WORDS[lang][a.priority],
    STATUS_WORDS[lang][a.status],
    a.deadline === null ? '—' : { text: [time(a.deadline), ...(a.overdue ? [{ text: `\n${labels.overdue}`, bold: true, color: RED }] : [])] },
  ]);
  return {
    // Rows whole on one page, unless one is too long to fit a page (pdfmake cannot place it then).
    table: { headerRows: 1, dontBreakRows: actions.every((a) => a.description.length < 1500), widths: [restWidth([75, 75, 48, 48, 62]), 75, 75, 48, 48, 62], body: [head, ...body] },
    layout: 'lightHorizontalLines',
    fontSize: 8.5,
    margin: [0, 2, 0, 4],
  };
}
