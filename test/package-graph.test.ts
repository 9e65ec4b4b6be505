/**
 * The package graph is what package.json says, and docs/architecture.md draws it.
 *
 * For every workspace package p, with imports read by TypeScript's own scanner
 * (static, type-only, dynamic and `export ... from`):
 *   - every package imported by p's src/ is one of p's dependencies or peerDependencies;
 *   - every package imported by p's tests, scripts and examples is declared by p (any kind)
 *     or, for external tools, by the root package.json's devDependencies;
 *   - every @shampoo-ts/* package in p's dependencies is imported by p's src/ (no dead edges);
 *   - p's tsconfig.json references (the build order of `tsc -b`) are its runtime @shampoo-ts/* dependencies;
 *   - the graph of every declared @shampoo-ts/* edge (all kinds) has no cycle, and
 *     @shampoo-ts/backends (which only starts tfjs backends) depends on no other package of ours;
 *   - docs/architecture.md's list "Runtime dependencies" names exactly the @shampoo-ts/*
 *     dependencies and peerDependencies of each package.
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const SCOPE = '@shampoo-ts/';

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const readJson = (path: string): Manifest => JSON.parse(readFileSync(path, 'utf8')) as Manifest;
const rootManifest = readJson(join(root, 'package.json'));
const packages = readdirSync(join(root, 'packages'))
  .filter((dir) => existsSync(join(root, 'packages', dir, 'package.json')))
  .map((dir) => ({ dir, manifest: readJson(join(root, 'packages', dir, 'package.json')) }));

/** Every source file (TypeScript or JavaScript) under `dir`, recursively. */
function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) => {
    if (entry === 'node_modules' || entry === 'dist' || entry === 'build') return [];
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(c|m)?(t|j)sx?$/.test(entry) && !entry.endsWith('.d.ts') ? [path] : [];
  });
}

/** The package a module specifier names ('@a/b/c' -> '@a/b', 'x/y' -> 'x'), or null for relative paths and Node built-ins. */
function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return null;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return builtinModules.includes(name) ? null : name;
}

/** Package name -> the files (relative to the repo) that import it, over `files`. */
function importsOf(files: readonly string[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      const name = packageOf(fileName);
      if (name !== null) found.set(name, [...(found.get(name) ?? []), file.slice(root.length)]);
    }
  }
  return found;
}

const declared = (m: Manifest, kinds: ReadonlyArray<keyof Manifest>): Set<string> =>
  new Set(kinds.flatMap((k) => Object.keys((m[k] as Record<string, string> | undefined) ?? {})));

const RUNTIME = ['dependencies', 'peerDependencies', 'optionalDependencies'] as const;
const ALL = [...RUNTIME, 'devDependencies'] as const;

/** The first cycle of a directed graph given as adjacency lists, as a path a -> ... -> a, or null. */
function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | null => {
    if (state.get(node) === 'done') return null;
    if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node];
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
}

describe('the package graph', () => {
  it('findCycle finds a cycle and only a cycle', () => {
    expect(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', []]]))).toBeNull();
    expect(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]]))).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(new Map([['a', ['a']]]))).toEqual(['a', 'a']);
    expect(packageOf('@shampoo-ts/shampoo/engine')).toBe('@shampoo-ts/shampoo');
    expect(packageOf('node:fs')).toBeNull();
    expect(packageOf('worker_threads')).toBeNull();
    expect(packageOf('ml-matrix/lib')).toBe('ml-matrix');
  });

  it.each(packages.map((p) => [p.manifest.name, p] as const))('%s: every src import is a dependency or peerDependency', (_name, { dir, manifest }) => {
    const allowed = declared(manifest, RUNTIME);
    const undeclared = [...importsOf(sourceFiles(join(root, 'packages', dir, 'src')))]
      .filter(([name]) => name !== manifest.name && !allowed.has(name))
      .map(([name, files]) => `${name} (imported by ${files[0]})`);
    expect(undeclared).toEqual([]);
  });

  it.each(packages.map((p) => [p.manifest.name, p] as const))('%s: every test, script and example import is declared', (_name, { dir, manifest }) => {
    const own = declared(manifest, ALL);
    const tools = declared(rootManifest, ['devDependencies']);
    const files = ['test', 'scripts', 'examples'].flatMap((sub) => sourceFiles(join(root, 'packages', dir, sub)));
    const undeclared = [...importsOf(files)]
      .filter(([name]) => name !== manifest.name && !own.has(name) && (name.startsWith(SCOPE) || !tools.has(name)))
      .map(([name, where]) => `${name} (imported by ${where[0]})`);
    expect(undeclared).toEqual([]);
  });

  it.each(packages.map((p) => [p.manifest.name, p] as const))('%s: every @shampoo-ts dependency is used by src', (_name, { dir, manifest }) => {
    const used = importsOf(sourceFiles(join(root, 'packages', dir, 'src')));
    const unused = [...declared(manifest, ['dependencies'])].filter((name) => name.startsWith(SCOPE) && !used.has(name));
    expect(unused).toEqual([]);
  });

  it.each(packages.map((p) => [p.manifest.name, p] as const))("%s: tsconfig.json references its runtime @shampoo-ts dependencies", (_name, { dir, manifest }) => {
    const config = JSON.parse(readFileSync(join(root, 'packages', dir, 'tsconfig.json'), 'utf8')) as { references?: Array<{ path: string }> };
    const referenced = (config.references ?? []).map((r) => `${SCOPE}${r.path.replace('../', '')}`).sort();
    expect(referenced).toEqual([...declared(manifest, RUNTIME)].filter((n) => n.startsWith(SCOPE)).sort());
  });

  it('@shampoo-ts/backends depends at runtime on no other @shampoo-ts package', () => {
    const backends = packages.find((p) => p.manifest.name === `${SCOPE}backends`)!.manifest;
    expect([...declared(backends, RUNTIME)].filter((n) => n.startsWith(SCOPE))).toEqual([]);
  });

  it('has no cycle, counting every kind of dependency', () => {
    const graph = new Map(packages.map(({ manifest }) => [manifest.name, [...declared(manifest, ALL)].filter((n) => n.startsWith(SCOPE))]));
    expect(findCycle(graph)).toBeNull();
  });

  it("docs/architecture.md's runtime dependency list is package.json's", () => {
    const doc = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');
    const section = doc.split('### Runtime dependencies')[1]?.split(/\n#/)[0] ?? '';
    const listed = new Map(
      [...section.matchAll(/^- `([a-z-]+)`: (.*)$/gm)].map(([, name, deps]) => [
        `${SCOPE}${name}`,
        [...deps.matchAll(/`([a-z-]+)`/g)].map(([, d]) => `${SCOPE}${d}`).sort(),
      ]),
    );
    const actual = new Map(packages.map(({ manifest }) => [manifest.name, [...declared(manifest, RUNTIME)].filter((n) => n.startsWith(SCOPE)).sort()]));
    expect(Object.fromEntries(listed)).toEqual(Object.fromEntries(actual));
  });
});
