// The module structure the code relies on, checked from the source itself: no import cycle
// among the modules of shared/, functions/ and local/, and the layering of shared/ — the store
// owns every key and query (shared/store/keys.ts says keys are built there and nowhere else),
// the runtime talks to stores, the domain is pure. The import graph is built here from the
// `import … from` / `export … from` declarations, resolving relative paths and the `#…`
// aliases of package.json "imports" (and tsconfig "paths", if it has any).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** The modules whose import graph must have no cycle. */
const GRAPH_ROOTS = ['shared', 'functions', 'local'];
const RUNTIME = 'shared/runtime/';
const DOMAIN = 'shared/domain/';
const KEYS = 'shared/store/keys.ts';
const isDynamoPackage = (name: string): boolean => name.startsWith('@aws-sdk/') && name.includes('dynamodb');

// ---- Reading the imports of a source file ----------------------------------------------------

interface ImportRef {
  specifier: string;
  line: number;
  /** `import('…')`: counted for the layering, not for cycles (it loads lazily). */
  dynamic: boolean;
  /** `import type …`, `export type …` or only `type` names in braces: gone once compiled. */
  typeOnly: boolean;
}

const REGEX_AFTER_WORD = new Set([
  'return',
  'typeof',
  'case',
  'do',
  'else',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'instanceof',
  'yield',
  'await',
]);

/**
 * The source with comments, template-literal text and regex literals blanked and the text of
 * every string literal masked (so that nothing inside a string or a comment reads as an
 * import), and the string literals by the offset of their opening quote. Offsets and line
 * breaks are kept.
 */
function maskSource(source: string): { code: string; strings: Map<number, string> } {
  const out = source.split('');
  const strings = new Map<number, string>();
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  /** Brace depths at which a `${` of an enclosing template literal was opened. */
  const templates: number[] = [];
  let depth = 0;
  let last = ''; // the last significant character of code, for telling a regex from a division
  let lastWord = '';
  let i = 0;
  const n = source.length;
  const template = () => {
    // In a template literal's text, from i (just after the backtick or the closing brace).
    const start = i;
    while (i < n) {
      const c = source[i]!;
      if (c === '\\') i += 2;
      else if (c === '`') {
        blank(start, i);
        i++;
        last = '`';
        return;
      } else if (c === '$' && source[i + 1] === '{') {
        blank(start, i);
        templates.push(depth);
        depth++;
        i += 2;
        last = '{';
        return;
      } else i++;
    }
    blank(start, n);
  };
  while (i < n) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      blank(i, end === -1 ? n : end);
      i = end === -1 ? n : end;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      blank(i, end === -1 ? n : end + 2);
      i = end === -1 ? n : end + 2;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < n && source[j] !== c && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1;
      strings.set(i, source.slice(i + 1, j));
      for (let k = i + 1; k < j && k < n; k++) out[k] = '_';
      i = j + 1;
      last = c;
      lastWord = '';
    } else if (c === '`') {
      i++;
      template();
      lastWord = '';
    } else if (c === '/' && (last === '' || '(,=:[!&|?{};+-*%<>~^'.includes(last) || REGEX_AFTER_WORD.has(lastWord))) {
      let j = i + 1;
      let inClass = false;
      while (j < n && source[j] !== '\n') {
        const d = source[j]!;
        if (d === '\\') j++;
        else if (d === '[') inClass = true;
        else if (d === ']') inClass = false;
        else if (d === '/' && !inClass) break;
        j++;
      }
      blank(i, j + 1);
      i = j + 1;
      last = '/';
      lastWord = '';
    } else {
      if (c === '{') depth++;
      else if (c === '}') {
        depth--;
        if (templates.length > 0 && templates.at(-1) === depth) {
          templates.pop();
          i++;
          template();
          continue;
        }
      }
      if (/[A-Za-z0-9_$]/.test(c)) {
        let j = i;
        while (j < n && /[A-Za-z0-9_$]/.test(source[j]!)) j++;
        lastWord = source.slice(i, j);
        last = source[j - 1]!;
        i = j;
        continue;
      }
      if (!/\s/.test(c)) {
        last = c;
        lastWord = '';
      }
      i++;
    }
  }
  return { code: out.join(''), strings };
}

// `import x from '…'`, `import type { A } from '…'`, `import * as m from '…'`, `import '…'`,
// `export { a } from '…'`, `export type { A } from '…'`, `export * (as m) from '…'`.
const DECLARATION = /(?<![\w$.])(?:import|export)\s*(?:(?:type\s+)?[\w$*{},\s]*?\bfrom\s*)?(?=['"])/g;
const DYNAMIC = /(?<![\w$.])import\s*\(\s*(?=['"])/g;

function isTypeOnly(declaration: string): boolean {
  const clause = declaration
    .replace(/^(?:import|export)\s*/, '')
    .replace(/\bfrom\s*$/, '')
    .trim();
  if (/^type\s/.test(clause)) return true;
  const names = /^\{([^}]*)\}$/
    .exec(clause)?.[1]
    ?.split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  return names !== undefined && names.length > 0 && names.every((n) => /^type\s/.test(n));
}

function importsOf(source: string): ImportRef[] {
  const { code, strings } = maskSource(source);
  const lineAt = (offset: number) => code.slice(0, offset).split('\n').length;
  const refs: ImportRef[] = [];
  for (const [pattern, dynamic] of [
    [DECLARATION, false],
    [DYNAMIC, true],
  ] as const) {
    for (const match of code.matchAll(pattern)) {
      const quote = match.index + match[0].length;
      const specifier = strings.get(quote);
      if (specifier !== undefined)
        refs.push({ specifier, line: lineAt(match.index), dynamic, typeOnly: !dynamic && isTypeOnly(match[0]) });
    }
  }
  return refs.sort((a, b) => a.line - b.line);
}

// ---- Resolving specifiers --------------------------------------------------------------------

type Aliases = { pattern: string; target: string }[];

function readJson(file: string): Record<string, unknown> | undefined {
  if (!existsSync(file)) return undefined;
  try {
    // tsconfig may have comments: the masked source keeps the strings' positions, so blank
    // the comments only, from the original text.
    const text = readFileSync(file, 'utf8');
    const { code, strings } = maskSource(text);
    const unmasked = code.split('');
    for (const [at, value] of strings) for (let k = 0; k < value.length; k++) unmasked[at + 1 + k] = value[k]!;
    return JSON.parse(unmasked.join('').replace(/,(\s*[}\]])/g, '$1')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function aliases(): Aliases {
  const out: Aliases = [];
  const imports = (readJson(path.join(ROOT, 'package.json'))?.imports ?? {}) as Record<string, unknown>;
  for (const [pattern, target] of Object.entries(imports)) {
    const resolved =
      typeof target === 'string'
        ? target
        : ((target as Record<string, unknown> | null)?.default ?? (target as Record<string, unknown> | null)?.import);
    if (typeof resolved === 'string') out.push({ pattern, target: path.join(ROOT, resolved) });
  }
  const options = (readJson(path.join(ROOT, 'tsconfig.json'))?.compilerOptions ?? {}) as {
    baseUrl?: string;
    paths?: Record<string, string[]>;
  };
  const base = path.join(ROOT, options.baseUrl ?? '.');
  for (const [pattern, targets] of Object.entries(options.paths ?? {}))
    if (targets[0]) out.push({ pattern, target: path.join(base, targets[0]) });
  return out;
}

function asFile(candidate: string): string | undefined {
  const tries = [
    candidate,
    `${candidate}.ts`,
    `${candidate}.tsx`,
    path.join(candidate, 'index.ts'),
    candidate.replace(/\.(m?)js$/, '.$1ts'),
  ];
  return tries.find((t) => existsSync(t) && statSync(t).isFile());
}

type Resolution = { kind: 'file'; file: string } | { kind: 'package'; name: string } | { kind: 'unresolved' };

function resolveSpecifier(fromFile: string, specifier: string, aliasList: Aliases = ALIASES): Resolution {
  if (specifier.startsWith('.') || specifier.startsWith('/')) {
    const file = asFile(path.resolve(path.dirname(fromFile), specifier));
    return file ? { kind: 'file', file } : { kind: 'unresolved' };
  }
  for (const { pattern, target } of aliasList) {
    const star = pattern.indexOf('*');
    let candidate: string | undefined;
    if (star === -1) candidate = specifier === pattern ? target : undefined;
    else {
      const [prefix, suffix] = [pattern.slice(0, star), pattern.slice(star + 1)];
      if (
        specifier.startsWith(prefix) &&
        specifier.endsWith(suffix) &&
        specifier.length >= prefix.length + suffix.length
      ) {
        candidate = target.replace('*', specifier.slice(prefix.length, specifier.length - suffix.length));
      }
    }
    if (candidate !== undefined) {
      const file = asFile(candidate);
      return file ? { kind: 'file', file } : { kind: 'unresolved' };
    }
  }
  if (specifier.startsWith('#')) return { kind: 'unresolved' };
  const parts = specifier.replace(/^node:/, '').split('/');
  return { kind: 'package', name: specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]! };
}

const ALIASES = aliases();

// ---- The graph -------------------------------------------------------------------------------

interface Edge {
  to: string;
  specifier: string;
  line: number;
  typeOnly?: boolean;
}

interface ModuleInfo {
  file: string;
  /** Static imports of other modules of the graph, for the cycles. */
  edges: Edge[];
  /** Every import, resolved, for the layering. */
  imports: (ImportRef & { resolution: Resolution })[];
}

const rel = (file: string) => path.relative(ROOT, file).split(path.sep).join('/');

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

function buildGraph(): Map<string, ModuleInfo> {
  const modules = new Map<string, ModuleInfo>();
  const files = GRAPH_ROOTS.flatMap((root) => sourceFiles(path.join(ROOT, root))).sort();
  for (const file of files) {
    const imports = importsOf(readFileSync(file, 'utf8')).map((ref) => ({
      ...ref,
      resolution: resolveSpecifier(file, ref.specifier),
    }));
    modules.set(rel(file), { file: rel(file), imports, edges: [] });
  }
  for (const info of modules.values()) {
    for (const ref of info.imports) {
      if (ref.dynamic || ref.resolution.kind !== 'file') continue;
      const to = rel(ref.resolution.file);
      if (modules.has(to)) info.edges.push({ to, specifier: ref.specifier, line: ref.line, typeOnly: ref.typeOnly });
    }
  }
  return modules;
}

interface Cycle {
  /** A shortest cycle through the component's first module, which it starts and ends with. */
  chain: string[];
  /** Every module of the strongly connected component: each on some cycle with the others. */
  members: string[];
}

/** The cycles of the graph, one per strongly connected component (Tarjan's algorithm). */
function findCycles(graph: ReadonlyMap<string, readonly Edge[]>): Cycle[] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (v: string) => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const { to } of graph.get(v) ?? []) {
      if (!indices.has(to)) {
        connect(to);
        low.set(v, Math.min(low.get(v)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(v, Math.min(low.get(v)!, indices.get(to)!));
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      components.push(component);
    }
  };
  for (const v of [...graph.keys()].sort()) if (!indices.has(v)) connect(v);
  const cycles: Cycle[] = [];
  for (const component of components) {
    const members = new Set(component);
    const start = [...component].sort()[0]!;
    if (component.length === 1 && !(graph.get(start) ?? []).some((e) => e.to === start)) continue;
    // Breadth first from `start` back to it, inside the component.
    const previous = new Map<string, string>();
    const queue = [start];
    let closing: string | undefined;
    for (let q = 0; q < queue.length && closing === undefined; q++) {
      const v = queue[q]!;
      for (const { to } of [...(graph.get(v) ?? [])].sort((a, b) => a.to.localeCompare(b.to))) {
        if (to === start) {
          closing = v;
          break;
        }
        if (members.has(to) && !previous.has(to)) {
          previous.set(to, v);
          queue.push(to);
        }
      }
    }
    const chain = [start];
    for (let v = closing!; v !== start; v = previous.get(v)!) chain.splice(1, 0, v);
    chain.push(start);
    cycles.push({ chain, members: [...component].sort() });
  }
  return cycles.sort((a, b) => a.chain[0]!.localeCompare(b.chain[0]!));
}

/** Whether `to` is reachable from `from`. */
function reaches(graph: ReadonlyMap<string, readonly Edge[]>, from: string, to: string): boolean {
  const seen = new Set([from]);
  const stack = [from];
  while (stack.length > 0) {
    for (const { to: next } of graph.get(stack.pop()!) ?? []) {
      if (next === to) return true;
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return false;
}

// ---- The checks ------------------------------------------------------------------------------

/**
 * Import edges that close the cycles this change could not remove, in shared/domain/ and
 * shared/schemas/ (not edited here). Each is a type-only import and is tolerated only while it
 * is one, and only edge by edge: any other cycle fails, and so does an entry whose edge is
 * gone or no longer closes a cycle, so that it is deleted once its cycle is fixed.
 *  - policy.ts takes EntryKind and TaxClass from types.ts, which takes JournalRecord and
 *    WaitingEvent from business-order.ts and outbound types from the schemas, whose
 *    primitives take MAX_YEN_AMOUNT from policy.ts (and business-order.ts imports policy.ts).
 *  - checkpoint.ts takes CustomerHistory from rederive.ts, which imports checkpoint.ts and
 *    close.ts, which imports checkpoint.ts.
 */
const KNOWN_CYCLE_EDGES: readonly (readonly [from: string, to: string])[] = [];

const graph = buildGraph();
const edges = new Map([...graph].map(([file, info]) => [file, info.edges]));
const isKnown = (from: string, to: string) => KNOWN_CYCLE_EDGES.some(([f, t]) => f === from && t === to);
const withoutKnown = new Map(
  [...edges].map(([from, out]) => [from, out.filter((e) => !(isKnown(from, e.to) && e.typeOnly))]),
);

function describeCycle({ chain, members }: Cycle): string {
  const steps = chain.slice(0, -1).map((from, k) => {
    const edge = edges.get(from)!.find((e) => e.to === chain[k + 1])!;
    return `${from}:${edge.line} imports '${edge.specifier}'${edge.typeOnly ? ' (type-only)' : ''}`;
  });
  const others = members.length > chain.length - 1 ? `\n    (one of the cycles among ${members.join(', ')})` : '';
  return `${chain.join(' → ')}\n      ${steps.join('\n      ')}${others}`;
}

describe('reading imports', () => {
  it('finds every form of import and re-export, and nothing in strings, comments or regexes', () => {
    const source = [
      'import { a,',
      "  type B, // a comment with from './not-this.ts'",
      "} from './multi-line.ts';",
      "import type { C } from '#shared/aliased.ts';",
      'import * as ns from "./namespace.ts";',
      "import def, { e } from './default.ts';",
      "import './side-effect.ts';",
      "export { f } from './re-export.ts';",
      "export type { G } from './type-re-export.ts';",
      "export * from './star.ts';",
      "export * as star from './star-as.ts';",
      "const lazy = await import('./dynamic.ts');",
      "/* import { x } from './commented.ts'; */",
      'const s = "import { y } from \'./in-a-string.ts\'";',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the source under test holds a template literal
      "const t = `import { z } from './in-a-template.ts' ${value} and ${`import('./nested.ts')`}`;",
      'const re = /import x from [\'"]\\.\\/in-a-regex.ts[\'"]/;',
      "export const notAnImport = 'from';",
      "export function fromage() { return { from: './object.ts' }; }",
      "import { type H, type I } from './after-everything.ts';",
    ].join('\n');
    expect(importsOf(source)).toEqual([
      { specifier: './multi-line.ts', line: 1, dynamic: false, typeOnly: false },
      { specifier: '#shared/aliased.ts', line: 4, dynamic: false, typeOnly: true },
      { specifier: './namespace.ts', line: 5, dynamic: false, typeOnly: false },
      { specifier: './default.ts', line: 6, dynamic: false, typeOnly: false },
      { specifier: './side-effect.ts', line: 7, dynamic: false, typeOnly: false },
      { specifier: './re-export.ts', line: 8, dynamic: false, typeOnly: false },
      { specifier: './type-re-export.ts', line: 9, dynamic: false, typeOnly: true },
      { specifier: './star.ts', line: 10, dynamic: false, typeOnly: false },
      { specifier: './star-as.ts', line: 11, dynamic: false, typeOnly: false },
      { specifier: './dynamic.ts', line: 12, dynamic: true, typeOnly: false },
      { specifier: './after-everything.ts', line: 19, dynamic: false, typeOnly: true },
    ]);
  });

  it('resolves relative paths and the package.json aliases, and names packages', () => {
    const from = path.join(ROOT, 'shared/runtime/ingest.ts');
    expect(resolveSpecifier(from, './month-close.ts')).toEqual({
      kind: 'file',
      file: path.join(ROOT, 'shared/runtime/month-close.ts'),
    });
    expect(resolveSpecifier(from, '../store/keys.ts')).toEqual({ kind: 'file', file: path.join(ROOT, KEYS) });
    expect(resolveSpecifier(from, '#shared/store/keys.ts')).toEqual({ kind: 'file', file: path.join(ROOT, KEYS) });
    expect(resolveSpecifier(from, '@aws-sdk/lib-dynamodb')).toEqual({ kind: 'package', name: '@aws-sdk/lib-dynamodb' });
    expect(resolveSpecifier(from, 'node:crypto')).toEqual({ kind: 'package', name: 'crypto' });
    expect(resolveSpecifier(from, './no-such-module.ts')).toEqual({ kind: 'unresolved' });
  });

  it('resolves every import of the modules to a file or a package', () => {
    const unresolved = [...graph.values()].flatMap((m) =>
      m.imports
        .filter((r) => r.resolution.kind === 'unresolved')
        .map((r) => `${m.file}:${r.line} imports '${r.specifier}'`),
    );
    expect(
      unresolved,
      `imports that resolve to nothing (the graph would miss them):\n  ${unresolved.join('\n  ')}`,
    ).toEqual([]);
    // The graph is not vacuous: the handlers reach the runtime, the runtime the stores.
    expect(graph.size).toBeGreaterThan(50);
    expect(edges.get('functions/sweep.ts')?.map((e) => e.to)).toContain('shared/runtime/pipeline.ts');
    expect(edges.get('shared/runtime/ingest.ts')?.map((e) => e.to)).toContain('shared/runtime/customer-step.ts');
  });
});

describe('the import graph of shared/, functions/ and local/', () => {
  it('finds a cycle when there is one, and reports its chain', () => {
    const e = (to: string) => ({ to, specifier: `./${to}`, line: 1 });
    const synthetic = new Map([
      ['a.ts', [e('b.ts')]],
      ['b.ts', [e('c.ts'), e('d.ts')]],
      ['c.ts', [e('a.ts')]],
      ['d.ts', []],
      ['self.ts', [e('self.ts')]],
    ]);
    expect(findCycles(synthetic)).toEqual([
      { chain: ['a.ts', 'b.ts', 'c.ts', 'a.ts'], members: ['a.ts', 'b.ts', 'c.ts'] },
      { chain: ['self.ts', 'self.ts'], members: ['self.ts'] },
    ]);
    expect(
      findCycles(
        new Map([
          ['a.ts', [e('b.ts')]],
          ['b.ts', []],
        ]),
      ),
    ).toEqual([]);
  });

  it('has no import cycle (type-only imports included)', () => {
    const cycles = findCycles(withoutKnown);
    expect(
      cycles.map((c) => c.chain.join(' → ')),
      `import cycles:\n  ${cycles.map(describeCycle).join('\n  ')}`,
    ).toEqual([]);
  });

  it('tolerates only known cycle edges that are still there, type-only, and still close a cycle', () => {
    const stale = KNOWN_CYCLE_EDGES.flatMap(([from, to]) => {
      const edge = edges.get(from)?.find((e) => e.to === to);
      if (!edge) return [`${from} → ${to}: no longer imported; delete it from KNOWN_CYCLE_EDGES`];
      if (!edge.typeOnly)
        return [`${from}:${edge.line} → ${to}: no longer a type-only import, so the cycle it closes is not tolerated`];
      if (!reaches(withoutKnown, to, from))
        return [`${from} → ${to}: closes no cycle any more; delete it from KNOWN_CYCLE_EDGES`];
      return [];
    });
    expect(stale, `KNOWN_CYCLE_EDGES:\n  ${stale.join('\n  ')}`).toEqual([]);
  });
});

describe('the layering of shared/', () => {
  const violations = (inDir: string, forbidden: (ref: ModuleInfo['imports'][number]) => boolean) =>
    [...graph.values()]
      .filter((m) => m.file.startsWith(inDir))
      .flatMap((m) => m.imports.filter(forbidden).map((r) => `${m.file}:${r.line} imports '${r.specifier}'`));

  const dynamoOrKeys = (ref: ModuleInfo['imports'][number]) =>
    (ref.resolution.kind === 'package' && isDynamoPackage(ref.resolution.name)) ||
    (ref.resolution.kind === 'file' && rel(ref.resolution.file) === KEYS);

  it('the runtime talks to stores: no DynamoDB SDK, no key layout', () => {
    const found = violations(RUNTIME, dynamoOrKeys);
    expect(
      found,
      `shared/runtime/ must reach the table through shared/store/ (the store owns every key and query):\n  ${found.join('\n  ')}`,
    ).toEqual([]);
  });

  it('the domain is pure: no AWS SDK at all, no key layout', () => {
    const found = violations(
      DOMAIN,
      (ref) => dynamoOrKeys(ref) || (ref.resolution.kind === 'package' && ref.resolution.name.startsWith('@aws-sdk/')),
    );
    expect(found, `shared/domain/ must not import the AWS SDK or the table's keys:\n  ${found.join('\n  ')}`).toEqual(
      [],
    );
  });
});

describe('the folders', () => {
  const filesIn = (root: string) =>
    sourceFiles(path.join(ROOT, root)).map((file) => ({
      file: rel(file),
      imports: importsOf(readFileSync(file, 'utf8')),
    }));
  /** `file:line imports 'specifier'` for every import of a module under `from` that resolves under one of `into`. */
  const crossings = (from: string[], into: string[]) =>
    from.flatMap(filesIn).flatMap(({ file, imports }) =>
      imports
        .map((ref) => ({ ref, resolution: resolveSpecifier(path.join(ROOT, file), ref.specifier) }))
        .filter(
          ({ resolution }) =>
            resolution.kind === 'file' && into.some((dir) => rel(resolution.file).startsWith(`${dir}/`)),
        )
        .map(({ ref }) => `${file}:${ref.line} imports '${ref.specifier}'`),
    );

  it('product code imports nothing from test/ or bench/', () => {
    const found = crossings(['shared', 'functions', 'infra', 'local'], ['test', 'bench']);
    expect(found, `product code must stand without its tests and figures:\n  ${found.join('\n  ')}`).toEqual([]);
  });

  it('bench/ (the figures) and test/ (the tests and the reliability harness) do not import each other', () => {
    const found = [...crossings(['bench'], ['test']), ...crossings(['test'], ['bench'])];
    expect(found, `bench/ holds only figures, test/reliability/harness/ the harness:\n  ${found.join('\n  ')}`).toEqual(
      [],
    );
  });
});
