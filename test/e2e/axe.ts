import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** WCAG 2.0 and 2.1, levels A and AA: what the window promises (color-contrast is in wcag2aa). */
export const WCAG_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

interface CheckResult {
  id: string;
  message: string;
  data?: unknown;
}
interface ContrastData {
  fgColor?: string;
  bgColor?: string;
  contrastRatio?: number;
  expectedContrastRatio?: string;
  fontSize?: string;
  fontWeight?: string;
}

/**
 * Every WCAG A/AA problem axe finds on the page as it stands, one plain line per element:
 * where, which rule, which element, and for contrast the measured figure against the one required.
 */
export async function accessibilityProblems(page: Page, where: string): Promise<string[]> {
  // Legacy mode runs axe in the page itself: the window has no frames, and the default mode's
  // extra blank page per check costs seconds on a busy machine.
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_AA).setLegacyMode().analyze();
  const lines: string[] = [];
  for (const v of violations) {
    for (const node of v.nodes) {
      const checks = [...node.any, ...node.all, ...node.none] as CheckResult[];
      const contrast = checks.find((c) => c.id === 'color-contrast')?.data as ContrastData | undefined;
      const detail = contrast?.contrastRatio !== undefined
        ? `contrast ${contrast.contrastRatio}:1, needs ${contrast.expectedContrastRatio} (text ${contrast.fgColor} on ${contrast.bgColor}, ${contrast.fontSize} ${contrast.fontWeight})`
        : checks.map((c) => c.message).filter(Boolean).join('; ');
      const html = node.html.replace(/\s+/g, ' ').slice(0, 160);
      lines.push(`${where}: ${v.id} (${v.impact ?? 'unrated'}): ${v.help}. Element ${node.target.join(' ')} ${html}. ${detail}`);
    }
  }
  return lines;
}

/** Fails with every problem listed in plain words (soft: the test goes on to the next screen). */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  const problems = await accessibilityProblems(page, where);
  expect.soft(problems, `accessibility problems on ${where}:\n${problems.join('\n')}`).toEqual([]);
}
