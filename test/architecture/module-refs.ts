import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import ts from 'typescript';

/**
 * Every reference one source file makes to another module, as the TypeScript parser sees it: static
 * and type-only imports, `export … from`, dynamic `import()`, `import('…').T` in types,
 * `import x = require()` and `require()`. The architecture tests build their rules on this.
 */
export interface ModuleRef {
  /** Repo-relative path of the importing file, with forward slashes. */
  from: string;
  line: number;
  specifier: string;
  kind: 'import' | 'side-effect import' | 'export from' | 'dynamic import' | 'type import' | 'require';
  /**
   * The relative specifier resolved to a repo-relative file (forward slashes); `null` for a package or
   * builtin; `undefined` for a relative specifier that names no file.
   */
  target: string | null | undefined;
  /** The names taken from the module; `null` when they cannot be told (namespace, `export *`, an unbound dynamic import). */
  names: { name: string; typeOnly: boolean }[] | null;
}

const toPosix = (path: string) => path.split(sep).join('/');

/** Repo-relative files under `dirs` whose names end in `suffix` (`.ts` for the tree, `.ts.txt` for fixtures). */
export function filesUnder(root: string, dirs: readonly string[], suffix: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(root, dir)).sort()) {
      const path = join(dir, name);
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (name.endsWith(suffix)) out.push(toPosix(path));
    }
  };
  for (const dir of dirs) if (existsSync(join(root, dir))) walk(dir);
  return out;
}

/** `./x.js` → `x.ts` (NodeNext style), else `x.ts` or `x/index.ts`; `suffix` replaces `.ts` for fixtures. */
export function resolveSpecifier(root: string, from: string, specifier: string, suffix: string): string | null | undefined {
  if (!specifier.startsWith('.')) return null;
  const base = join(dirname(join(root, from)), specifier);
  const stem = base.replace(/\.(m?js|jsx)$/, '');
  const candidates = [`${stem}${suffix}`, `${base}${suffix}`, join(base, `index${suffix}`)];
  const found = candidates.find((c) => existsSync(c) && statSync(c).isFile());
  return found === undefined ? undefined : toPosix(relative(root, found));
}

export function moduleRefs(root: string, file: string, suffix = '.ts'): ModuleRef[] {
  const text = readFileSync(join(root, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const refs: ModuleRef[] = [];
  const add = (node: ts.Node, specifierNode: ts.Node | undefined, kind: ModuleRef['kind'], names: ModuleRef['names']) => {
    if (!specifierNode || !ts.isStringLiteralLike(specifierNode)) return;
    const specifier = specifierNode.text;
    refs.push({
      from: toPosix(file), line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1,
      specifier, kind, target: resolveSpecifier(root, file, specifier, suffix), names,
    });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      if (!clause) add(node, node.moduleSpecifier, 'side-effect import', []);
      else add(node, node.moduleSpecifier, 'import', importedNames(clause));
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const names = node.exportClause && ts.isNamedExports(node.exportClause)
        ? node.exportClause.elements.map((e) => ({ name: (e.propertyName ?? e.name).text, typeOnly: node.isTypeOnly || e.isTypeOnly }))
        : null;
      add(node, node.moduleSpecifier, 'export from', names);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node, node.arguments[0], 'dynamic import', boundNames(node));
    } else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'require') {
      add(node, node.arguments[0], 'require', null);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const first = node.qualifier ? firstName(node.qualifier) : undefined;
      add(node, node.argument.literal, 'type import', first ? [{ name: first, typeOnly: true }] : null);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression, 'require', null);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return refs;
}

function importedNames(clause: ts.ImportClause): ModuleRef['names'] {
  const names: { name: string; typeOnly: boolean }[] = [];
  if (clause.name) names.push({ name: 'default', typeOnly: clause.isTypeOnly });
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) return null;
  for (const e of bindings?.elements ?? []) names.push({ name: (e.propertyName ?? e.name).text, typeOnly: clause.isTypeOnly || e.isTypeOnly });
  return names;
}

/** `const { a, b: c } = await import('…')` takes a and b; any other use of the module cannot be told. */
function boundNames(call: ts.CallExpression): ModuleRef['names'] {
  const awaited = ts.isAwaitExpression(call.parent) ? call.parent : undefined;
  const declaration = awaited && ts.isVariableDeclaration(awaited.parent) ? awaited.parent : undefined;
  if (!declaration || !ts.isObjectBindingPattern(declaration.name)) return null;
  const names: { name: string; typeOnly: boolean }[] = [];
  for (const element of declaration.name.elements) {
    const key = element.propertyName ?? element.name;
    if (element.dotDotDotToken || !ts.isIdentifier(key)) return null;
    names.push({ name: key.text, typeOnly: false });
  }
  return names;
}

function firstName(name: ts.EntityName): string {
  return ts.isIdentifier(name) ? name.text : firstName(name.left);
}
