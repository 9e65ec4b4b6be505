/**
 * Every code example of the documentation runs as written: each ```ts / ```js block of
 * README.md, packages/*\/README.md and docs/*.md is written to a fresh module next to this
 * file and imported (vitest transpiles it; `@shampoo-ts/*` resolve to the built packages, as
 * in a user's app). A block passes when it
 *   - does not throw (blocks that check something use node:assert, so a wrong result fails),
 *   - prints, in order, every line announced by a `// prints: <text>` comment (as a substring),
 *   - leaves tf.memory().numTensors where it found it.
 * Every runnable ```ts block also type-checks (strict, as the packages' sources) against the
 * built packages' declarations, so an example cannot drift from the API's types either.
 * A block preceded by `<!-- no-run: <reason> -->` is skipped; the reason is required and the
 * skipped blocks are few (counted below). Blocks whose first line is `// example: <name>` get
 * the extra checks of `named` below (their losses fall). Each block starts on the cpu backend.
 * DOCS_EXAMPLES_ONLY=<substring of "file:line"> runs only the matching blocks.
 */
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The most blocks that may be marked no-run (a type shown for reading, a program that needs mpirun, a test file run verbatim elsewhere). */
const MAX_NO_RUN = 6;

interface Block {
  readonly where: string; // 'docs/concepts.md:33'
  readonly lang: 'ts' | 'js';
  readonly code: string;
  readonly name: string | undefined;
  readonly noRun: string | undefined; // the reason, '' if the marker has none
}

const documents = [
  'README.md',
  ...readdirSync(join(root, 'packages')).map((p) => `packages/${p}/README.md`).filter((f) => existsSync(join(root, f))),
  ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
];

/** The code blocks of one markdown file, with the no-run marker on the line before each fence. */
function blocksOf(file: string): Block[] {
  const text = readFileSync(join(root, file), 'utf8');
  const fence = /(?:^<!--\s*no-run:?([^\n]*?)-->\n)?^```(ts|typescript|js|javascript|mjs)\n([\s\S]*?)^```$/gm;
  return [...text.matchAll(fence)].map((m) => ({
    where: `${file}:${text.slice(0, m.index + (m[0].indexOf('```'))).split('\n').length}`,
    lang: m[2].startsWith('t') ? 'ts' : 'js',
    code: m[3],
    name: /^\/\/ example: (\w+)\n/.exec(m[3])?.[1],
    noRun: m[0].startsWith('<!--') ? m[1].trim() : undefined,
  }));
}

const blocks = documents.flatMap(blocksOf);
const only = process.env.DOCS_EXAMPLES_ONLY;
const runnable = blocks.filter((b) => b.noRun === undefined && (only === undefined || b.where.includes(only)));
const dir = mkdtempSync(join(fileURLToPath(new URL('.', import.meta.url)), '.doc-examples-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The module file of a block. */
const fileOf = (block: Block) => join(dir, `${block.where.replace(/[^\w]+/g, '-')}.${block.lang}`);

/**
 * The type errors of the ts blocks, each compiled as a module of its own with the compiler
 * options of the tests (tsconfig.test.base.json: strict), `@shampoo-ts/*` resolved as a
 * user's app resolves them (the packages' "exports" and dist/*.d.ts: fast, and what users see).
 */
function typeErrors(list: readonly Block[]): string[] {
  const files = list.map((block) => {
    writeFileSync(fileOf(block), block.code);
    return fileOf(block);
  });
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.test.base.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const program = ts.createProgram(files, { ...config.options, paths: undefined, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext });
  return files.flatMap((file, i) =>
    ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => {
      const line = d.start === undefined ? 0 : d.file!.getLineAndCharacterOfPosition(d.start).line + 1;
      return `${list[i].where} (block line ${line}): ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    }),
  );
}

/** Runs a block as a module of its own and returns the lines it printed. */
async function run(block: Block): Promise<string[]> {
  const file = fileOf(block);
  writeFileSync(file, block.code);
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  });
  try {
    await import(/* @vite-ignore */ file);
  } finally {
    spy.mockRestore();
  }
  return lines;
}

/** The `// prints: <text>` announcements of a block, in order. */
function announced(code: string): string[] {
  return [...code.matchAll(/\/\/ prints: (.+)$/gm)].map((m) => m[1].trim());
}

/** Whether `printed` contains every announced text, in order, each in a line of its own. */
function printsInOrder(printed: readonly string[], expected: readonly string[]): boolean {
  let at = 0;
  for (const text of expected) {
    while (at < printed.length && !printed[at].includes(text)) at++;
    if (at === printed.length) return false;
    at++;
  }
  return true;
}

function losses(lines: readonly string[]): number[] {
  return lines.map((l) => /loss ([\d.e+-]+)/.exec(l)).filter((m) => m !== null).map((m) => Number(m![1]));
}

/** The extra checks of the named examples (README.md and docs/getting-started.md). */
const named: Record<string, (lines: string[]) => void> = {
  // Shampoo with clipping and Adam grafting lowers the loss more than 10x.
  readme: (lines) => {
    const l = losses(lines);
    expect(l).toHaveLength(4);
    expect(l[3]).toBeLessThan(l[0] / 10);
  },
  // adamw through step lowers the loss more than 10x.
  step: (lines) => {
    const l = losses(lines);
    expect(l).toHaveLength(4);
    expect(l[3]).toBeLessThan(l[0] / 10);
  },
  // The trainer lowers the loss, checkpoints and restores.
  trainer: (lines) => {
    const l = losses(lines);
    expect(l).toHaveLength(6);
    expect(l[5]).toBeLessThan(l[0]);
    expect(lines.at(-1)).toBe('restored the state of step 150');
  },
};

describe('the code examples of the READMEs and docs', () => {
  beforeEach(async () => {
    if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
  });

  it('finds the blocks, and every no-run marker gives its reason; they are few', () => {
    expect(blocks.length).toBeGreaterThan(20);
    const skipped = blocks.filter((b) => b.noRun !== undefined);
    for (const b of skipped) expect(b.noRun, `${b.where}: <!-- no-run: reason --> needs a reason`).not.toBe('');
    expect(skipped.length, skipped.map((b) => `${b.where}: ${b.noRun}`).join('\n')).toBeLessThanOrEqual(MAX_NO_RUN);
  });

  it('has the named examples the extra checks are for, each once', () => {
    expect(blocks.map((b) => b.name).filter((n) => n !== undefined).sort()).toEqual(Object.keys(named).sort());
  });

  it('recognises a marker, a fence and an announcement (the extractor itself)', () => {
    const sample = 'x\n<!-- no-run: needs mpirun -->\n```ts\nconsole.log(1); // prints: 1\n```\n\n```js\n// example: foo\nf();\n```\n```sh\nnpm test\n```\n';
    writeFileSync(join(dir, 'sample.md'), sample);
    const found = blocksOf(`test/${dir.split('/').at(-1)}/sample.md`);
    expect(found.map((b) => [b.where.split(':')[1], b.lang, b.noRun, b.name])).toEqual([['3', 'ts', 'needs mpirun', undefined], ['7', 'js', undefined, 'foo']]);
    expect(announced(found[0].code)).toEqual(['1']);
    expect(printsInOrder(['a', '1', 'b'], ['1'])).toBe(true);
    expect(printsInOrder(['b', 'a'], ['a', 'b'])).toBe(false);
  });

  it('every runnable ts block type-checks', () => {
    expect(typeErrors(runnable.filter((b) => b.lang === 'ts'))).toEqual([]);
  }, 120_000);

  it.each(runnable.map((b) => [b.where, b] as const))('%s runs, prints what it announces and leaks nothing', async (_, block) => {
    const before = tf.memory().numTensors;
    const lines = await run(block);
    expect(printsInOrder(lines, announced(block.code)), `printed:\n${lines.join('\n')}\nannounced:\n${announced(block.code).join('\n')}`).toBe(true);
    if (block.name !== undefined) named[block.name](lines);
    expect(tf.memory().numTensors, 'tensors left behind').toBe(before);
  }, 180_000);
});
