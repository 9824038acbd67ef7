import type { Content, TDocumentDefinitions, TableCell } from 'pdfmake/interfaces.js';
import { KIND_LABELS } from '../present/words.js';
import type { LogExtract, LogRow } from './model.js';
import { PDF_LABELS, type PdfLabels } from './pdf-labels.js';
import { asArray, pageFrame, restWidth, timeFormat, type TimeFormat } from './pdf-definition.js';
import { pdfText } from './pdf-runs.js';

/**
 * The printed log extract: one table in log order whose header row repeats on every page, with
 * each row's corrections under its text. The original stays readable above them, because a log
 * on paper is evidence of what was known when.
 */
export function logPdfDefinition(extract: LogExtract): TDocumentDefinitions {
  const labels = PDF_LABELS[extract.lang];
  const time = timeFormat(extract.generator, extract.lang);
  const { generator, incident } = extract;
  const range = labels.range(extract.from === null ? null : time(extract.from), extract.to === null ? null : time(extract.to));
  const generated = labels.generated({ version: generator.version, team: generator.team, device: generator.device, at: time(generator.generatedAt) });
  const c = labels.logColumns;
  const head: TableCell[] = [c.time, c.author, c.kind, c.text].map((text) => ({ text, bold: true, fillColor: '#eeeeee' }));
  return {
    info: {
      title: `${labels.logExtract} – ${incident.title ?? incident.id}`,
      author: 'Baken',
      subject: labels.classificationWords[extract.audience],
      creator: `Baken ${generator.version}`,
      producer: `Baken ${generator.version} (pdfmake)`,
      creationDate: new Date(generator.generatedAt),
      modDate: new Date(generator.generatedAt),
    },
    ...pageFrame({
      title: labels.logExtract,
      incidentTitle: incident.title,
      audience: extract.audience,
      exercise: extract.exercise,
      labels,
      footerLines: [`${range} · ${labels.rows(extract.rows.length)}`, pdfText(generated)],
      qr: null,
    }),
    content: [
      { text: labels.logExtract, fontSize: 18, bold: true },
      { text: pdfText(incident.title ?? labels.notShared), fontSize: 12, margin: [0, 2, 0, 2] },
      { text: range, color: '#333333', margin: [0, 0, 0, 8] },
      {
        table: {
          headerRows: 1,
          // A row whole on one page, unless one is longer than a page could hold (pdfmake cannot place it then).
          dontBreakRows: extract.rows.every((row) => row.text.length + row.corrections.reduce((n, c) => n + c.text.length, 0) < 1500),
          widths: [70, 90, 55, restWidth([70, 90, 55])],
          body: [head, ...extract.rows.map((row) => rowCells(row, extract.lang, labels, time))],
        },
        layout: 'lightHorizontalLines',
        fontSize: 8.5,
      },
      ...(extract.rows.length === 0 ? [{ text: labels.none, color: '#555555', margin: [0, 4, 0, 0] } as Content] : []),
    ],
  };
}

function rowCells(row: LogRow, lang: LogExtract['lang'], labels: PdfLabels, time: TimeFormat): TableCell[] {
  const text: Content[] = [{ text: pdfText(row.text) }];
  if (row.happenedAt) text.push({ text: labels.happened(time(row.happenedAt)), color: '#555555' });
  for (const correction of row.corrections) {
    text.push({ text: [...asArray(pdfText(labels.correction(time(correction.at), correction.who))), ...asArray(pdfText(correction.text))], italics: true, margin: [0, 2, 0, 0] });
  }
  return [time(row.at), { text: pdfText(row.who) }, { text: pdfText(KIND_LABELS[lang][row.kind] ?? row.kind) }, { stack: text }];
}
