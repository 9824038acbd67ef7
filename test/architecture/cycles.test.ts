import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder, moduleRefs } from './module-refs.js';

/**
 * No import cycle in electron/ and shared/. Every reference counts, type-only ones too (`import type`,
 * `export … from`, dynamic `import()`, `import('…').T`): a cycle of types still ties the modules'
 * design together, and a value import added later turns it into an evaluation-order bug.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(import.meta.dirname, 'fixtures', 'cycles');

type Graph = Map<string, Set<string>>;

function importGraph(root: string, files: readonly string[], suffix: string): { graph: Graph; unresolved: string[] } {
  const graph: Graph = new Map(files.map((f) => [f, new Set<string>()]));
  const unresolved: string[] = [];
  for (const file of files) {
    for (const ref of moduleRefs(root, file, suffix)) {
      if (ref.target === undefined) unresolved.push(`${file}:${ref.line} ${ref.kind} '${ref.specifier}' names no file`);
      else if (ref.target !== null && graph.has(ref.target)) graph.get(file)!.add(ref.target);
    }
  }
  return { graph, unresolved };
}

/** Tarjan's strongly connected components; only those that hold a cycle (more than one file, or a self-import). */
function knots(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)!) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)!.has(v)) found.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) connect(v);
  return found.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** The shortest cycle through `start` inside its component (breadth-first), as a list of files ending where it began. */
function shortestCycle(graph: Graph, component: ReadonlySet<string>, start: string): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i]!;
    for (const w of [...graph.get(v)!].sort()) {
      if (!component.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return [...path, start];
      }
      if (!previous.has(w) && w !== start) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  throw new Error(`${start} is in a strongly connected component but on no cycle`);
}

/** Each file's shortest cycle, written from the component's first file, without repeats: `a.ts → b.ts → a.ts`. */
export function importCycles(graph: Graph): string[] {
  const lines: string[] = [];
  for (const component of knots(graph)) {
    const members = new Set(component);
    const seen = new Set<string>();
    for (const file of component) {
      const cycle = shortestCycle(graph, members, file).slice(0, -1);
      const first = cycle.indexOf([...cycle].sort()[0]!);
      const rotated = [...cycle.slice(first), ...cycle.slice(0, first)];
      const line = [...rotated, rotated[0]].join(' → ');
      if (!seen.has(line)) lines.push(line);
      seen.add(line);
    }
  }
  return lines;
}

describe('import cycles', () => {
  it('electron/ and shared/ have no import cycle, type-only imports included', () => {
    const { graph } = importGraph(ROOT, filesUnder(ROOT, ['electron', 'shared'], '.ts'), '.ts');
    expect(importCycles(graph)).toEqual([]);
  });

  it('every relative import in electron/ and shared/ names a file (so no edge is silently dropped)', () => {
    const { unresolved } = importGraph(ROOT, filesUnder(ROOT, ['electron', 'shared'], '.ts'), '.ts');
    expect(unresolved).toEqual([]);
  });

  it('the checker finds cycles made by every kind of import and nothing else (fixtures/cycles)', () => {
    const { graph, unresolved } = importGraph(FIXTURES, filesUnder(FIXTURES, ['.'], '.ts.txt'), '.ts.txt');
    expect(unresolved).toEqual([]);
    expect(importCycles(graph)).toEqual([
      'a.ts.txt → b.ts.txt → c.ts.txt → a.ts.txt',
      'd.ts.txt → e.ts.txt → d.ts.txt',
      'f.ts.txt → g.ts.txt → f.ts.txt',
      'self.ts.txt → self.ts.txt',
    ]);
  });
});
