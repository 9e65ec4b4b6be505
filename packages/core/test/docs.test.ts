/**
 * The examples of docs/getting-started.md, run as written: every ```ts block whose first
 * line is `// example: <name>` is written to a temporary module and imported; what it
 * prints is checked (the loss falls, nothing leaks).
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const doc = readFileSync(join(root, 'docs/getting-started.md'), 'utf8');
const examples = [...doc.matchAll(/```ts\n(\/\/ example: (\w+)\n[\s\S]*?)```/g)].map((m) => ({ name: m[2], code: m[1] }));
const dir = mkdtempSync(join(fileURLToPath(new URL('.', import.meta.url)), '.doc-examples-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs an example and returns the lines it printed. */
async function run(name: string): Promise<string[]> {
  const ex = examples.find((e) => e.name === name);
  if (ex === undefined) throw new Error(`docs/getting-started.md has no example '${name}'`);
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

describe('docs/getting-started.md', () => {
  it('has the two runnable examples', () => {
    expect(examples.map((e) => e.name).sort()).toEqual(['step', 'trainer']);
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
