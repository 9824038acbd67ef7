import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layer rules of docs/ARCHITECTURE.md, checked on every import (static, dynamic, require and
 * type-only) that TypeScript itself finds in each source file.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const NATIVE_OR_NETWORK = [/^better-sqlite3/, /^libp2p/, /^@libp2p\//, /^@chainsafe\//, /^electron/];

function sourceFiles(dir: string): string[] {
  let out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) out = out.concat(sourceFiles(path));
    else if (/\.(ts|tsx|mts|cts|js|mjs)$/.test(name)) out.push(path);
  }
  return out;
}

export function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const found = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
  // preProcessFile misses `import type` in some forms and require(): a regex backs it up.
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]([^'"]+)['"]/g)) found.push(m[1]!);
  return [...new Set(found)];
}

const isElectron = (spec: string) => spec === 'electron' || spec.startsWith('electron/');

describe('layer boundaries', () => {
  it('shared/ imports no Node builtins, sqlite, libp2p or electron, and nothing outside shared/', () => {
    const violations: string[] = [];
    for (const file of sourceFiles('shared')) {
      for (const spec of importsOf(file)) {
        if (NODE_BUILTINS.has(spec) || NATIVE_OR_NETWORK.some((re) => re.test(spec))) violations.push(`${file} → ${spec}`);
        if (spec.startsWith('.') && !join(file, '..', spec).startsWith(`shared${sep}`)) violations.push(`${file} → ${spec} (leaves shared/)`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('only electron/main and electron/preload import electron', () => {
    const violations: string[] = [];
    for (const dir of ['shared', 'electron', 'renderer', 'bench', 'bin', 'scripts']) {
      for (const file of sourceFiles(dir)) {
        const allowed = file.startsWith(join('electron', 'main') + sep) || file.startsWith(join('electron', 'preload') + sep);
        if (!allowed && importsOf(file).some(isElectron)) violations.push(file);
      }
    }
    expect(violations).toEqual([]);
  });

  it('the renderer reaches the backend only through shared/ (never electron/ or Node)', () => {
    const violations: string[] = [];
    for (const file of sourceFiles('renderer')) {
      for (const spec of importsOf(file)) {
        if (NODE_BUILTINS.has(spec) || NATIVE_OR_NETWORK.some((re) => re.test(spec))) violations.push(`${file} → ${spec}`);
        if (spec.startsWith('.') && relative(ROOT, join(ROOT, file, '..', spec)).startsWith(`electron${sep}`)) violations.push(`${file} → ${spec}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('the checker itself sees every kind of import (so the rules above cannot pass vacuously)', () => {
    const probe = join('test', 'architecture', 'fixtures', 'imports.ts.txt');
    const specs = importsOf(probe);
    expect(specs).toEqual(expect.arrayContaining(['node:fs', 'electron', 'better-sqlite3', '@libp2p/tcp', '../x.js', 'libp2p']));
  });
});
