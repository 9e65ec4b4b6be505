import { defineConfig } from 'vitest/config';
import { readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const packages = readdirSync(`${root}packages`).filter((name) =>
  existsSync(`${root}packages/${name}/src/index.ts`),
);

/**
 * Tests import every @shampoo-ts/* package from its TypeScript source, so one run
 * covers the whole tree without a stale dist/ in the way. The build is still checked
 * (npm test builds first, npm run lint type-checks the tests). A subpath entry point
 * ('@shampoo-ts/shampoo/engine', the package.json "exports" map) resolves to
 * src/<subpath>.ts.
 */
const alias = packages.flatMap((name) => [
  { find: new RegExp(`^@shampoo-ts/${name}$`), replacement: `${root}packages/${name}/src/index.ts` },
  { find: new RegExp(`^@shampoo-ts/${name}/([a-z-]+)$`), replacement: `${root}packages/${name}/src/$1.ts` },
]);

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      ...packages.map((name) => ({
        resolve: { alias },
        test: {
          name,
          root: `${root}packages/${name}`,
          include: ['test/**/*.test.ts'],
          environment: 'node',
          setupFiles: [`${root}test/setup.ts`],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      })),
      // The playground page (playground/), built and driven in headless Chromium.
      { test: { name: 'playground', root: `${root}playground`, include: ['test/**/*.test.ts'], environment: 'node', testTimeout: 300_000, hookTimeout: 300_000 } },
      // Checks of the repository as a whole (the package graph), in test/.
      { test: { name: 'repo', root, include: ['test/**/*.test.ts'], environment: 'node' } },
    ],
  },
});
