/**
 * docs/architecture.md lists every public name of every entry point (the ```names blocks, one
 * per entry point, `~name` for a deprecated one); this checks the lists are what the entry
 * points export, as TypeScript's checker sees them (values and types).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const doc = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');
const listed = new Map(
  [...doc.matchAll(/```names (@shampoo-ts\/[a-z/-]+)\n([\s\S]*?)```/g)].map(([, entry, body]) => [entry, body.split(/\s+/).filter(Boolean)]),
);

/** The source file of an entry point: '@shampoo-ts/x' -> packages/x/src/index.ts, '@shampoo-ts/x/y' -> packages/x/src/y.ts. */
function sourceOf(entry: string): string {
  const [, pkg, sub] = /^@shampoo-ts\/([a-z-]+)(?:\/([a-z-]+))?$/.exec(entry)!;
  return join(root, 'packages', pkg, 'src', `${sub ?? 'index'}.ts`);
}

describe('the public names in docs/architecture.md', () => {
  it('lists every entry point of every package.json "exports" map', () => {
    const entries = ['backends', 'bench', 'core', 'distributed', 'grafting', 'linalg', 'shampoo', 'testing', 'tfjs'].flatMap((dir) => {
      const manifest = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as { name: string; exports: Record<string, unknown> };
      // Code entry points are the keys with conditions (types, import); './package.json' and './wasm/*' are files.
      const code = Object.keys(manifest.exports).filter((key) => typeof manifest.exports[key] === 'object');
      return code.map((key) => (key === '.' ? manifest.name : `${manifest.name}/${key.replace('./', '')}`));
    });
    expect([...listed.keys()].sort()).toEqual(entries.sort());
  });

  it('every subpath entry point resolves to its source where the packages run from sources (type checks, worker threads)', () => {
    const subpaths = [...listed.keys()].filter((entry) => entry.split('/').length === 3);
    expect(subpaths.length).toBeGreaterThan(0);
    for (const config of ['tsconfig.test.base.json', 'packages/distributed/tsconfig.source.json']) {
      const paths = (JSON.parse(readFileSync(join(root, config), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } }).compilerOptions.paths;
      for (const entry of subpaths) {
        const [, pkg, sub] = entry.split('/');
        expect(paths[entry]?.[0]?.replace(/^\.\.?\//, '').replace(/^packages\//, '').replace(/^\.\.\//, ''), `${config}: ${entry}`).toBe(`${pkg}/src/${sub}.ts`);
      }
    }
  });

  it('are exactly the names each entry point exports', () => {
    const files = [...listed.keys()].map(sourceOf);
    const program = ts.createProgram(files, {
      module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022,
      skipLibCheck: true, noEmit: true, baseUrl: root,
      paths: { '@shampoo-ts/shampoo/engine': ['./packages/shampoo/src/engine.ts'], '@shampoo-ts/core/authoring': ['./packages/core/src/authoring.ts'], '@shampoo-ts/*': ['./packages/*/src/index.ts'] },
    });
    const checker = program.getTypeChecker();
    for (const [entry, names] of listed) {
      const module = checker.getSymbolAtLocation(program.getSourceFile(sourceOf(entry))!)!;
      const exported = checker.getExportsOfModule(module).map((s) => s.name).sort();
      expect(names.map((n) => n.replace(/^~/, '')).sort(), entry).toEqual(exported);
    }
  }, 60_000);
});
