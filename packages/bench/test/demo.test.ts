import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_DEFAULTS, demoUsage, parseDemoArgs } from '../src/demo/config.js';
import { runDemo, type DemoIo } from '../src/demo/main.js';

function io(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const progress: string[] = [];
  const value: DemoIo = { out: (l) => out.push(l), err: (l) => err.push(l), progress: { write: (t: string) => progress.push(t) }, cwd };
  return { out, err, progress, io: value };
}

describe('demo flags', () => {
  it('defaults, and every flag parsed', () => {
    const d = parseDemoArgs([], '/tmp/x');
    expect(d).toMatchObject({ backend: 'wasm', steps: DEMO_DEFAULTS.steps, batchSize: DEMO_DEFAULTS.batchSize, outDir: '/tmp/x/demo-output', lr: DEMO_DEFAULTS.lr });
    const c = parseDemoArgs(
      ['--backend', 'cpu', '--steps', '7', '--batch-size', '9', '--seed', '3', '--out', 'o', '--lr', '0.01', '--shampoo-lr', '0.02',
        '--precondition-frequency', '5', '--max-preconditioner-dim', '64', '--target-loss', '0.3', '--eval-every', '4', '--test-size', '50', '--weight-decay', '0'],
      '/w',
    );
    expect(c).toEqual({
      backend: 'cpu', steps: 7, batchSize: 9, seed: 3, outDir: '/w/o', lr: 0.01, shampooLr: 0.02, preconditionFrequency: 5,
      maxPreconditionerDim: 64, targetLoss: 0.3, evalEvery: 4, testSize: 50, weightDecay: 0,
    });
    expect(parseDemoArgs(['--help'], '/')).toBe('help');
  });

  it('bad flags: unknown, bad numbers, bad backend, each named', () => {
    expect(() => parseDemoArgs(['--stpes', '3'], '/')).toThrow(/--stpes/);
    expect(() => parseDemoArgs(['extra'], '/')).toThrow(/extra/);
    expect(() => parseDemoArgs(['--steps', '0'], '/')).toThrow(/--steps = "0" is not allowed/);
    expect(() => parseDemoArgs(['--steps=-3'], '/')).toThrow(/--steps = "-3" is not allowed/);
    expect(() => parseDemoArgs(['--lr', 'fast'], '/')).toThrow(/--lr = "fast" is not allowed/);
    expect(() => parseDemoArgs(['--backend', 'tpu'], '/')).toThrow(/--backend = "tpu" is not allowed; allowed: cpu, wasm, webgpu, node-gpu, auto/);
  });

  it('--help documents every flag', () => {
    const text = demoUsage();
    for (const f of ['--backend', '--steps', '--batch-size', '--seed', '--out', '--lr', '--shampoo-lr', '--precondition-frequency', '--max-preconditioner-dim', '--target-loss', '--help']) {
      expect(text).toContain(f);
    }
  });
});

describe('runDemo', () => {
  // On the wasm backend (the demo's default): tfjs's cpu backend needs seconds per convnet step.
  it('trains both optimizers, prints the table and writes loss.svg and curves.json', async () => {
    const root = mkdtempSync(join(tmpdir(), 'demo-test-'));
    const t = io(root);
    const before = tf.memory().numTensors;
    const code = await runDemo(
      ['--backend', 'wasm', '--steps', '6', '--batch-size', '16', '--eval-every', '3', '--test-size', '100', '--precondition-frequency', '2', '--max-preconditioner-dim', '32', '--target-loss', '2.5', '--out', 'res'],
      t.io,
    );
    expect(t.err).toEqual([]);
    expect(code).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    expect(readdirSync(join(root, 'res')).sort()).toEqual(['curves.json', 'loss.svg']);
    const json = JSON.parse(readFileSync(join(root, 'res', 'curves.json'), 'utf8'));
    expect(json.runs.map((r: { label: string }) => r.label)).toEqual(['AdamW', 'Shampoo']);
    for (const r of json.runs) {
      expect(r.stepMs).toHaveLength(6);
      expect(r.evals.map((e: { step: number }) => e.step)).toEqual([0, 3, 6]);
    }
    expect(json.summaries[1].stepRatio).toBeCloseTo(json.summaries[1].meanStepMs / json.summaries[0].meanStepMs, 10);
    const text = t.out.join('\n');
    expect(text).toContain('steps to target');
    expect(text).toContain('AdamW');
    expect(text).toContain(`output folder: ${join(root, 'res')}`);
    expect(t.progress.join('')).toContain('6/6');
    await tf.setBackend('cpu');
    rmSync(root, { recursive: true });
  });

  it('bad input: a clear message, exit 2, nothing written', async () => {
    const root = mkdtempSync(join(tmpdir(), 'demo-test-'));
    const unknown = io(root);
    expect(await runDemo(['--colour', 'red', '--out', 'res'], unknown.io)).toBe(2);
    expect(unknown.err.join('\n')).toMatch(/demo: .*--colour[\s\S]*usage: npm run demo/);

    writeFileSync(join(root, 'file'), 'x');
    const unwritable = io(root);
    expect(await runDemo(['--backend', 'cpu', '--out', 'file/res'], unwritable.io)).toBe(2);
    expect(unwritable.err.join('\n')).toMatch(/demo: --out \S*file\/res: \S*file is a file, not a folder/);

    const backend = io(root);
    expect(await runDemo(['--backend', 'node-gpu', '--out', 'res'], backend.io)).toBe(2);
    expect(backend.err.join('\n')).toMatch(/demo: --backend node-gpu could not start: /);

    const help = io(root);
    expect(await runDemo(['--help'], help.io)).toBe(0);
    expect(help.out.join('\n')).toContain('usage: npm run demo');

    expect(existsSync(join(root, 'res'))).toBe(false);
    expect(readdirSync(root)).toEqual(['file']);
    await tf.setBackend('cpu');
    rmSync(root, { recursive: true });
  });
});
