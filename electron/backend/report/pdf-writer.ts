import { createRequire } from 'node:module';
import pdfmake from 'pdfmake';
import type { TDocumentDefinitions, TFontDictionary } from 'pdfmake/interfaces.js';
import { PDF_FONT } from '../../../shared/report/pdf-runs.js';

/**
 * Renders a pdfmake document definition (shared/report/pdf-definition.ts, log-pdf-definition.ts)
 * to PDF bytes. The fonts travel inside the PDF, so a printer or a partner's laptop without Noto
 * shows the same pages; and nothing is fetched from anywhere, because the machine may be offline
 * and a document must not be able to make it reach out.
 *
 * Same definition, same bytes: pdfkit stamps CreationDate and derives the file ID from the info
 * dictionary; the definitions set creationDate and modDate to the generation time, so both are
 * fixed. Font subset tags come from the font's order of use, not from chance.
 */
const require = createRequire(import.meta.url);
const fontFile = (pkg: string, file: string) => require.resolve(`@expo-google-fonts/${pkg}/${file}`);

const sans = {
  normal: fontFile('noto-sans', '400Regular/NotoSans_400Regular.ttf'),
  bold: fontFile('noto-sans', '700Bold/NotoSans_700Bold.ttf'),
  italics: fontFile('noto-sans', '400Regular_Italic/NotoSans_400Regular_Italic.ttf'),
  bolditalics: fontFile('noto-sans', '700Bold_Italic/NotoSans_700Bold_Italic.ttf'),
};
// Arabic and emoji have no italics: the upright face stands in, so a run inside italic text still draws.
const arabicRegular = fontFile('noto-sans-arabic', '400Regular/NotoSansArabic_400Regular.ttf');
const arabicBold = fontFile('noto-sans-arabic', '700Bold/NotoSansArabic_700Bold.ttf');
const emojiRegular = fontFile('noto-emoji', '400Regular/NotoEmoji_400Regular.ttf');
const emojiBold = fontFile('noto-emoji', '700Bold/NotoEmoji_700Bold.ttf');

export const PDF_FONT_FILES: TFontDictionary = {
  [PDF_FONT.sans]: sans,
  [PDF_FONT.arabic]: { normal: arabicRegular, bold: arabicBold, italics: arabicRegular, bolditalics: arabicBold },
  [PDF_FONT.emoji]: { normal: emojiRegular, bold: emojiBold, italics: emojiRegular, bolditalics: emojiBold },
};

const allowedFiles = new Set(Object.values(PDF_FONT_FILES).flatMap((font) => Object.values(font) as string[]));

// pdfmake keeps fonts and policies on one shared instance: set once, the same for every render.
pdfmake.setFonts(PDF_FONT_FILES);
pdfmake.setUrlAccessPolicy(() => false);
pdfmake.setLocalAccessPolicy((path) => allowedFiles.has(path));

/** The PDF's bytes. pdfmake fills in defaults on `def` itself: pass a fresh definition each time. */
export async function renderPdf(def: TDocumentDefinitions): Promise<Buffer> {
  return pdfmake.createPdf(def).getBuffer();
}
