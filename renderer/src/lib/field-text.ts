import { changeMarker, fieldWords, type FieldContent } from '../../../shared/report/html-field.js';
import type { Lang } from '../../../shared/present/words.js';

/** One LCMS field as plain text, for where HTML cannot go (as the lcms-paste export's text twin has it). */
export function fieldPlainText(field: FieldContent, lang: Lang): string {
  const parts = [...field.paragraphs];
  const items = field.entries.map((entry) => {
    const marker = changeMarker(entry.change, lang);
    const lines = [`${marker === null ? '' : `${marker} `}${entry.lead}`, entry.text];
    if (entry.notes.length > 0) lines.push(`(${entry.notes.join('; ')})`);
    return `- ${lines.join('\n  ')}`;
  });
  if (items.length > 0) parts.push(items.join('\n'));
  if (field.empty) parts.push(fieldWords(lang).nothing);
  return parts.join('\n\n');
}
