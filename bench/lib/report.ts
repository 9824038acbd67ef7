/** One printed figure; `met` is left out for figures that have no target (context, baselines). */
export interface Figure {
  name: string;
  value: string;
  target?: string;
  met?: boolean;
}

export interface Section {
  title: string;
  figures: Figure[];
  /** Context a reader needs to interpret the figures (sizes, what a baseline is). */
  notes?: string[];
}

export function printSections(sections: readonly Section[]): void {
  const rows = sections.flatMap((s) => s.figures);
  const nameWidth = Math.max(...rows.map((f) => f.name.length), 6);
  const valueWidth = Math.max(...rows.map((f) => f.value.length), 5);
  const targetWidth = Math.max(...rows.map((f) => (f.target ?? '').length), 6);
  const line = (name: string, value: string, target: string, met: string) =>
    `  ${name.padEnd(nameWidth)}  ${value.padStart(valueWidth)}  ${target.padEnd(targetWidth)}  ${met}`.trimEnd();
  for (const section of sections) {
    console.log(`\n${section.title}`);
    for (const note of section.notes ?? []) console.log(`  (${note})`);
    console.log(line('figure', 'value', 'target', 'met'));
    for (const f of section.figures) console.log(line(f.name, f.value, f.target ?? '', f.met === undefined ? '' : f.met ? 'yes' : 'NO'));
  }
  const missed = rows.filter((f) => f.met === false);
  console.log(`\n${rows.filter((f) => f.met !== undefined).length - missed.length} of ${rows.filter((f) => f.met !== undefined).length} targets met${missed.length ? `; missed: ${missed.map((f) => f.name).join(', ')}` : ''}`);
}
