/**
 * The newcomer test's tarball rules (scripts/newcomer/tarball-check.mjs): what a package
 * tarball must not ship (build info, node-gyp output, addons, tests, bench scripts) and
 * what it must (LICENSE, README when there is one, every file the exports map names).
 * Below, every published package's manifest is checked for what publishing needs.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error a plain .mjs script without types
import { exportTargets, tarballProblems } from '../scripts/newcomer/tarball-check.mjs';

const check = tarballProblems as (files: string[], manifest: { exports?: unknown }, hasReadme: boolean) => string[];
const manifest = {
  exports: {
    '.': { types: './dist/index.d.ts', import: './dist/index.js', default: './dist/index.js' },
    './wasm/*': './wasm/*',
    './package.json': './package.json',
  },
};
const good = ['package.json', 'LICENSE', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'wasm/a.wasm', 'src/index.ts', 'scripts/build-mpi-addon.mjs'];

describe('tarballProblems', () => {
  it('accepts a tarball with what a user needs', () => {
    expect(check(good, manifest, true)).toEqual([]);
  });

  it.each([
    ['dist/.tsbuildinfo', 'TypeScript build info'],
    ['dist/native-build/build/Release/obj.target/mpi_binding/mpi_binding.o', 'node-gyp build output'],
    ['dist/native/mpi_binding.node', 'a compiled object or addon'],
    ['test/step.test.ts', 'tests or fixtures'],
    ['src/fixtures/blobs.json', 'tests or fixtures'],
    ['dist/shampoo.spec.js', 'a test file'],
    ['scripts/allreduce-speed.mjs', 'a bench or build script'],
    ['scripts/copy-wasm-binaries.mjs', 'a bench or build script'],
    ['.turbo/turbo-build.log', 'a cache or node_modules'],
  ])('refuses %s (%s)', (path, what) => {
    expect(check([...good, path], manifest, true)).toContain(`ships ${what}: ${path}`);
  });

  it('requires LICENSE always and README.md when the package has one', () => {
    const bare = good.filter((f) => f !== 'LICENSE' && f !== 'README.md');
    expect(check(bare, manifest, true)).toEqual(['lacks LICENSE', 'lacks README.md']);
    expect(check(bare, manifest, false)).toEqual(['lacks LICENSE']);
  });

  it('requires every exports target, and a file under each wildcard', () => {
    const noTypes = good.filter((f) => f !== 'dist/index.d.ts' && !f.startsWith('wasm/'));
    expect(check(noTypes, manifest, true)).toEqual(['exports dist/index.d.ts but does not ship it', 'exports wasm/* but ships nothing under wasm/']);
  });

  it('exportTargets lists each path once, nested conditions included', () => {
    expect((exportTargets as (m: unknown) => string[])(manifest.exports)).toEqual(['dist/index.d.ts', 'dist/index.js', 'wasm/*', 'package.json']);
  });
});

const root = fileURLToPath(new URL('..', import.meta.url));
type Manifest = Record<string, any>;
const manifests: Array<{ dir: string; m: Manifest }> = readdirSync(join(root, 'packages'))
  .filter((dir) => existsSync(join(root, 'packages', dir, 'package.json')))
  .map((dir) => ({ dir, m: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as Manifest }));
const published = manifests.filter(({ m }) => !m.private);

describe('published manifests', () => {
  it('are every package but bench, in one fixed changesets group with public access', () => {
    expect(manifests.filter(({ m }) => m.private).map(({ dir }) => dir)).toEqual(['bench']);
    const config = JSON.parse(readFileSync(join(root, '.changeset', 'config.json'), 'utf8'));
    expect(config.access).toBe('public');
    expect(config.fixed).toEqual([published.map(({ m }) => m.name).sort()]);
  });

  it.each(published.map(({ dir, m }) => [dir, m] as const))('%s: metadata, files, exports and ranges', (dir, m) => {
    expect(m.description.length).toBeGreaterThan(20);
    expect(m.keywords.length).toBeGreaterThan(2);
    expect(m.license).toBe('MIT');
    expect(readFileSync(join(root, 'packages', dir, 'LICENSE'), 'utf8')).toBe(readFileSync(join(root, 'LICENSE'), 'utf8'));
    expect(m.repository.directory).toBe(`packages/${dir}`);
    expect(m.homepage).toMatch(/^https:\/\//);
    expect(m.publishConfig).toEqual({ access: 'public' });
    expect(m.files).toEqual(expect.arrayContaining(['dist', '!dist/.tsbuildinfo', 'README.md', 'LICENSE']));
    expect(m.sideEffects === false || Array.isArray(m.sideEffects)).toBe(true);
    expect(m.exports['./package.json']).toBe('./package.json');
    for (const [key, target] of Object.entries(m.exports as Record<string, unknown>)) {
      if (typeof target === 'string') continue;
      const t = target as Record<string, string>;
      expect(Object.keys(t), key).toEqual(['types', 'import', 'default']);
      expect(t.types, key).toBe(t.import.replace(/\.js$/, '.d.ts'));
      expect(t.default, key).toBe(t.import);
    }
    for (const kind of ['dependencies', 'devDependencies', 'peerDependencies']) {
      for (const [name, range] of Object.entries((m[kind] ?? {}) as Record<string, string>)) {
        if (name.startsWith('@shampoo-ts/')) expect(range, `${kind} ${name}`).toBe(`^${manifests.find((p) => p.m.name === name)?.m.version}`);
      }
    }
  });

  it('the optional webgpu backend is an optional peer, and gradients come with a @tensorflow/tfjs peer', () => {
    const byDir = Object.fromEntries(published.map(({ dir, m }) => [dir, m]));
    expect(byDir.backends.peerDependenciesMeta['@tensorflow/tfjs-backend-webgpu']).toEqual({ optional: true });
    expect(byDir.backends.exports['./wasm/*']).toBe('./wasm/*');
    for (const dir of ['core', 'tfjs']) expect(byDir[dir].peerDependencies['@tensorflow/tfjs']).toBe('^4.22.0');
  });
});
