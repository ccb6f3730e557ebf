/**
 * The house rules, checked (run by `npm run lint`): the plan in README "How it works" kept by a
 * check instead of by habit.
 * 1. electron/core/ runs under plain Node: it imports neither Electron nor the app's IPC, service,
 *    CLI, main or preload code.
 * 2. The renderer takes from outside renderer/ only types, and values only from electron/shared/
 *    (Node-free vocabulary and pure maths), so no core or Node code lands in its bundle.
 * 3. electron/shared/ imports only electron/shared/ (and only types from elsewhere).
 * 4. No import cycle between the folders of electron/core/ (train <-> eval was one).
 * 5. Tests mirror the tree: tests/unit/<path>/<name>[.<aspect>].test.ts has electron/<path>/<name>
 *    (renderer/src/ and scripts/ likewise); tests/unit/security/ and build/ cover the whole app.
 * Prints each violation with the importing file; exits 1 if there is any.
 * Usage: tsx scripts/check-imports.ts [ROOT]   (ROOT defaults to the repository)
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = resolve(process.argv[2] ?? join(import.meta.dirname, '..'));

interface Import {
  readonly from: string;
  /** Repository-relative path of the imported file, or the bare package name. */
  readonly to: string;
  /** A package (`electron`, `node:fs`, `sharp`), not a file of ours. */
  readonly bare: boolean;
  readonly typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|svelte)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const rel = (path: string) => relative(root, path).split(sep).join('/');

/** The file a relative specifier names: .js written for .ts, folders via index.ts. */
function resolveSpecifier(fromFile: string, spec: string): string {
  const base = resolve(dirname(fromFile), spec);
  for (const candidate of [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, join(base, 'index.ts')])
    if (existsSync(candidate) && statSync(candidate).isFile()) return rel(candidate);
  return rel(base);
}

// import/export ... from '...', import '...', and dynamic import('...').
const STATIC = /(^|\n)\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]/g;
const BARE = /(^|\n)\s*import\s+['"]([^'"]+)['"]/g;
const DYNAMIC = /import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const from = rel(file);
  const out: Import[] = [];
  const add = (spec: string, typeOnly: boolean) =>
    out.push({
      from,
      to: spec.startsWith('.') ? resolveSpecifier(file, spec) : spec,
      bare: !spec.startsWith('.'),
      typeOnly,
    });
  for (const m of text.matchAll(STATIC)) {
    const clause = m[4] ?? '';
    // `import { type A, type B }` is type-only too; `import { A, type B }` is not.
    const names = /^\{([^}]*)\}$/.exec(clause.trim())?.[1];
    const allTypes =
      names
        ?.split(',')
        .filter((n) => n.trim() !== '')
        .every((n) => n.trim().startsWith('type ')) ?? false;
    add(m[5]!, m[3] !== undefined || allTypes);
  }
  for (const m of text.matchAll(BARE)) add(m[2]!, false);
  for (const m of text.matchAll(DYNAMIC)) add(m[1]!, false);
  return out;
}

const files = [...sourceFiles(join(root, 'electron')), ...sourceFiles(join(root, 'renderer', 'src'))];
const imports = files.flatMap(importsOf);
const violations: string[] = [];
const under = (path: string, folder: string) => path === folder || path.startsWith(`${folder}/`);

const CORE_MUST_NOT = [
  'electron/ipc',
  'electron/service',
  'electron/cli',
  'electron/main',
  'electron/preload',
];
for (const i of imports) {
  if (under(i.from, 'electron/core')) {
    if (i.bare && under(i.to, 'electron')) violations.push(`${i.from}: core imports Electron`);
    for (const folder of CORE_MUST_NOT)
      if (!i.bare && under(i.to, folder))
        violations.push(`${i.from}: core imports ${i.to} (${folder} is not core)`);
  }
  if (under(i.from, 'renderer/src') && !i.typeOnly) {
    if (i.bare && (under(i.to, 'electron') || i.to.startsWith('node:')))
      violations.push(`${i.from}: the renderer imports ${i.to}`);
    if (!i.bare && !under(i.to, 'renderer') && !under(i.to, 'electron/shared'))
      violations.push(`${i.from}: the renderer imports code from ${i.to} (only types, or electron/shared/)`);
  }
  if (under(i.from, 'electron/shared') && !i.typeOnly && (i.bare || !under(i.to, 'electron/shared')))
    violations.push(
      `${i.from}: electron/shared/ imports ${i.to} (it must stay Node-free and self-contained)`,
    );
}

// Folder-level cycles inside core (Tarjan's strongly connected components).
const folderOf = (path: string) => path.split('/').slice(0, 3).join('/');
const edges = new Map<string, Set<string>>();
const example = new Map<string, string>();
for (const i of imports) {
  if (!under(i.from, 'electron/core') || !under(i.to, 'electron/core')) continue;
  const [a, b] = [folderOf(i.from), folderOf(i.to)];
  if (a === b) continue;
  if (!edges.has(a)) edges.set(a, new Set());
  edges.get(a)!.add(b);
  if (!example.has(`${a}>${b}`)) example.set(`${a}>${b}`, `${i.from} -> ${i.to}`);
}
let index = 0;
const stack: string[] = [];
const state = new Map<string, { index: number; low: number; onStack: boolean }>();
function connect(v: string): void {
  state.set(v, { index, low: index, onStack: true });
  index++;
  stack.push(v);
  for (const w of edges.get(v) ?? []) {
    if (!state.has(w)) {
      connect(w);
      state.get(v)!.low = Math.min(state.get(v)!.low, state.get(w)!.low);
    } else if (state.get(w)!.onStack) state.get(v)!.low = Math.min(state.get(v)!.low, state.get(w)!.index);
  }
  if (state.get(v)!.low === state.get(v)!.index) {
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      state.get(w)!.onStack = false;
      component.push(w);
    } while (w !== v);
    if (component.length > 1) {
      const links = component.flatMap((a) =>
        component.filter((b) => edges.get(a)?.has(b)).map((b) => example.get(`${a}>${b}`)),
      );
      violations.push(`import cycle between ${component.sort().join(', ')}: ${links.join('; ')}`);
    }
  }
}
for (const v of edges.keys()) if (!state.has(v)) connect(v);

const testsDir = join(root, 'tests', 'unit');
for (const test of sourceFiles(testsDir).filter((f) => f.endsWith('.test.ts'))) {
  const path = rel(test)
    .slice('tests/unit/'.length)
    .replace(/\.test\.ts$/, '');
  const [top] = path.split('/');
  if (top === 'security' || top === 'build') continue;
  const stem = path.replace(/\.[^/.]+$/, '');
  const base =
    top === 'renderer'
      ? `renderer/src/${stem.slice('renderer/'.length)}`
      : top === 'scripts'
        ? stem
        : `electron/${stem}`;
  const candidates = [`${base}.ts`, `${base}.svelte.ts`, `${base}.svelte`, `${base}/index.ts`];
  if (!candidates.some((c) => existsSync(join(root, c))))
    violations.push(`${rel(test)}: no source file ${base}.ts to mirror (tests mirror the tree)`);
}

for (const v of violations) console.error(v);
console.log(
  `check-imports: ${files.length} files, ${imports.length} imports, ${violations.length} violations`,
);
process.exitCode = violations.length === 0 ? 0 : 1;
