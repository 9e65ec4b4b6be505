/**
 * The examples of docs/getting-started.md and README.md, run as written: every ```ts block whose first
 * line is `// example: <name>` is written to a temporary module and imported; what it
 * prints is checked (the loss falls, nothing leaks).
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const examplesOf = (file: string) =>
  [...readFileSync(join(root, file), 'utf8').matchAll(/```ts\n(\/\/ example: (\w+)\n[\s\S]*?)```/g)].map((m) => ({ name: m[2], code: m[1] }));
const examples = [...examplesOf('docs/getting-started.md'), ...examplesOf('README.md')];
const dir = mkdtempSync(join(fileURLToPath(new URL('.', import.meta.url)), '.doc-examples-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs an example and returns the lines it printed. */
async function run(name: string): Promise<string[]> {
  const ex = examples.find((e) => e.name === name);
  if (ex === undefined) throw new Error(`no example '${name}' in docs/getting-started.md or README.md`);
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, ex.code);
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.join(' '));
  });
  try {
    await import(/* @vite-ignore */ file);
  } finally {
    spy.mockRestore();
  }
  return lines;
}

function losses(lines: string[]): number[] {
  return lines.map((l) => /loss ([\d.e+-]+)/.exec(l)).filter((m) => m !== null).map((m) => Number(m![1]));
}

describe('docs/getting-started.md and README.md', () => {
  it('README example: Shampoo with clipping and Adam grafting lowers the loss more than 10x and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const l = losses(await run('readme'));
    expect(l).toHaveLength(4);
    expect(l[3]).toBeLessThan(l[0] / 10);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('has the two runnable examples', () => {
    expect(examples.map((e) => e.name).sort()).toEqual(['readme', 'step', 'trainer']);
  });

  it('example "step": adamw through step lowers the loss more than 10x and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const lines = await run('step');
    const l = losses(lines);
    expect(l).toHaveLength(4);
    expect(l[3]).toBeLessThan(l[0] / 10);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('example "trainer": the trainer lowers the loss, checkpoints and restores, and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const lines = await run('trainer');
    const l = losses(lines);
    expect(l).toHaveLength(6);
    expect(l[5]).toBeLessThan(l[0]);
    expect(lines.at(-1)).toBe('restored the state of step 150');
    expect(tf.memory().numTensors).toBe(before);
  });
});
