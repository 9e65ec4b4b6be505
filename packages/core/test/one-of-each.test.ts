/**
 * One of each small idea: the sources of every package hold a single copy of the path
 * formatter (core's pathLabel), the EMA bias correction (core's biasCorrection), the seeded
 * generator (testing's seededRandom), Muon's Newton-Schulz coefficients (linalg's
 * MUON_COEFFICIENTS) and tf.tidy over a tree or state (core's tidyState). Each pattern below is the body of one of them; it may stand only in its
 * home file.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Every TypeScript source under packages/<name>/src. */
function sources(): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push({ path: relative(root, path), text: readFileSync(path, 'utf8') });
    }
  };
  for (const pkg of readdirSync(join(root, 'packages'))) {
    const src = join(root, 'packages', pkg, 'src');
    try {
      if (statSync(src).isDirectory()) walk(src);
    } catch {
      // a folder without sources
    }
  }
  return out;
}

const ONE_HOME: ReadonlyArray<{ idea: string; pattern: RegExp; home: string }> = [
  { idea: 'path formatter', pattern: /=== '' \? '<root>'/, home: 'packages/core/src/tree.ts' },
  { idea: 'bias correction', pattern: /1 - \w+ \*\* \(?\w+/, home: 'packages/core/src/bias-correction.ts' },
  { idea: 'seeded generator', pattern: /0x6d2b79f5/i, home: 'packages/testing/src/matrix/seeded-random.ts' },
  { idea: 'Newton-Schulz coefficients', pattern: /\[\s*3\.4445,\s*-4\.775/, home: 'packages/linalg/src/newtonSchulz.ts' },
  { idea: 'tidy over a state (tidyState)', pattern: /as unknown as tf\.TensorContainer/, home: 'packages/core/src/state-tree.ts' },
];

describe('one of each', () => {
  const files = sources();
  it.each(ONE_HOME)('the $idea stands in $home only', ({ pattern, home }) => {
    const where = files.filter(({ text }) => pattern.test(text)).map(({ path }) => path);
    expect(where).toEqual([home]);
  });
});
