/** A list's lines, or what to say when it is empty. Rows themselves are drawn in shared/present, like the window's. */
export function listOr(lines: string[], empty: string): string {
  return lines.length ? lines.join('\n') : empty;
}
