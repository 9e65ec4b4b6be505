// The API reference (npm run docs -> docs/api/index.html): one module per entry point of every
// published package (read from each package.json "exports" map, so a new entry point is
// documented without editing this file), one page per exported symbol, and a build that fails
// on an undocumented public symbol, a broken {@link} or a public type that is not exported.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Application, makeRecursiveVisitor } from 'typedoc';

/** './dist/engine.js' of package `dir` -> 'packages/<dir>/src/engine.ts'. */
const sourceOf = (dir, target) => `packages/${dir}/src/${target.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts')}`;

const published = readdirSync('packages')
  .filter((dir) => existsSync(`packages/${dir}/package.json`))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(`packages/${dir}/package.json`, 'utf8')) }))
  .filter(({ manifest }) => !manifest.private);

/** Every entry point: its source file and the name a user imports it by ('@shampoo-ts/shampoo/engine'). */
const entries = published.flatMap(({ dir, manifest }) =>
  Object.entries(manifest.exports ?? {})
    .map(([key, value]) => [key, typeof value === 'string' ? value : value.import ?? value.default])
    .filter(([, target]) => typeof target === 'string' && /^\.\/dist\/.*\.js$/.test(target))
    .map(([key, target]) => ({ source: sourceOf(dir, target), name: key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}` }))
    .filter(({ source }) => existsSync(source)),
);

/**
 * This file is also its own TypeDoc plugin:
 * - it names each module by its import name instead of its path ('core/src/authoring' ->
 *   '@shampoo-ts/core/authoring');
 * - it checks what `validation.notExported` checks, for every published package: TypeDoc's
 *   own check only looks at types of the root package.json's package ('shampoo-ts'), so in a
 *   monorepo it never fires. A public signature that names a type of one of our packages
 *   that no entry point exports is a warning (an error with treatWarningsAsErrors).
 * @param {import('typedoc').Application} app
 */
export function load(app) {
  const byPath = new Map(entries.map(({ source, name }) => [source.replace(/^packages\//, '').replace(/\.ts$/, '').replace(/\/index$/, ''), name]));
  app.converter.on('resolveBegin', (context) => {
    for (const module of context.project.children ?? []) module.name = byPath.get(module.name) ?? module.name;
  });
  const ours = new Set(published.map(({ manifest }) => manifest.name));
  app.on(Application.EVENT_VALIDATE_PROJECT, (project) => {
    const warned = new Set();
    for (const owner of Object.values(project.reflections)) {
      const visitor = makeRecursiveVisitor({
        reference(type) {
          if (type.reflection || type.externalUrl || type.isIntentionallyBroken() || !ours.has(type.package)) return;
          const where = `${type.symbolId?.packageName}/${type.symbolId?.packagePath}`;
          if (warned.has(`${where}:${type.qualifiedName}`)) return;
          warned.add(`${where}:${type.qualifiedName}`);
          app.logger.validationWarning(`${type.qualifiedName}, defined in ${where}, is referenced by ${owner.getFriendlyFullName()} but no entry point exports it`);
        },
      });
      for (const type of [owner.type, owner.default, ...(owner.extendedTypes ?? []), ...(owner.implementedTypes ?? [])]) type?.visit?.(visitor);
    }
  });
}

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  name: 'shampoo-ts',
  entryPoints: entries.map(({ source }) => source),
  plugin: [fileURLToPath(import.meta.url)],
  tsconfig: 'tsconfig.docs.json',
  out: 'docs/api',
  readme: 'none',
  // No source links: the pages must not depend on a git remote (a clone may have none) or on
  // where the repository is hosted.
  disableSources: true,
  excludePrivate: true,
  excludeInternal: true,
  treatWarningsAsErrors: true,
  // npm run lint type-checks the sources; TypeDoc need not do it again.
  skipErrorChecking: true,
  validation: { notExported: true, invalidLink: true, notDocumented: true },
  // TypeDoc checks only the symbols of the packages named here (by default only the root's).
  packagesRequiringDocumentation: published.map(({ manifest }) => manifest.name),
  requiredToBeDocumented: ['Class', 'Function', 'Variable', 'Interface', 'TypeAlias', 'Enum', 'Method', 'Accessor', 'Constructor'],
};
