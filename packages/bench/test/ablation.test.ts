/**
 * The ablation suite: its flags are parsed and checked against the workload's defaults, its
 * variants cover every option of issue 15 item 6 and are valid Shampoo options, and a quick
 * run writes ablation.json with a measured row for every variant and AdamW.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { shampoo } from '@shampoo-ts/shampoo';
import { SUITES } from '../src/registry.js';
import { ablationSettings, workloadSpec } from '../src/suites/ablation.js';
import { ablationVariants, selectVariants } from '../src/train/ablation-variants.js';
import { shampooOptions } from '../src/train/optimizers.js';

const base = { preconditionFrequency: 20, maxPreconditionerDim: 256 };

describe('ablation: options', () => {
  it('defaults come from the workload (quick and full); every flag is checked, naming the flag and what is allowed', async () => {
    const spec = await workloadSpec('autoencoder');
    const out = mkdtempSync(join(tmpdir(), 'ablation-opts-'));
    const full = ablationSettings(spec, { flags: {}, quick: false, outDir: out });
    expect(full).toMatchObject({ workload: 'autoencoder', steps: spec.defaults.steps, batchSize: spec.defaults.batchSize, lr: 1e-3, lrSource: 'default', seed: 1, schedule: 'cosine', timingRounds: 40, timingSkip: 20, variants: undefined, blockSize: 256 });
    const quick = ablationSettings(spec, { flags: {}, quick: true, outDir: out });
    expect(quick).toMatchObject({ steps: 2, lr: spec.quick.lrs[0], timingRounds: 1, timingSkip: 0, blockSize: 64 });
    const given = ablationSettings(spec, { flags: { steps: '40', lr: '3e-4', variants: 'frequency-1, stagger-every-20', 'timing-rounds': '10', schedule: 'constant' }, quick: false, outDir: out });
    expect(given).toMatchObject({ steps: 40, lr: 3e-4, lrSource: '--lr', variants: ['frequency-1', 'stagger-every-20'], timingRounds: 10, schedule: 'constant' });
    writeFileSync(join(out, 'autoencoder.json'), JSON.stringify({ chosenLr: { shampoo: 0.01 } }));
    expect(ablationSettings(spec, { flags: {}, quick: false, outDir: out })).toMatchObject({ lr: 0.01, lrSource: 'chosenLr.shampoo of autoencoder.json' });
    expect(() => ablationSettings(spec, { flags: { steps: '0' }, quick: false, outDir: out })).toThrow('--steps = "0" is not allowed; allowed: an integer in [1, 1000000]');
    expect(() => ablationSettings(spec, { flags: { lr: '-1' }, quick: false, outDir: out })).toThrow('--lr = "-1" is not allowed');
    expect(() => ablationSettings(spec, { flags: { schedule: 'step' }, quick: false, outDir: out })).toThrow('--schedule = "step" is not allowed; allowed: constant, cosine');
    expect(() => ablationSettings(spec, { flags: { variants: true }, quick: false, outDir: out })).toThrow('--variants = true is not allowed');
    await expect(workloadSpec('memory' as never)).rejects.toThrow("--workload = 'memory' is not allowed; allowed: autoencoder, mnist, lm, transformer");
    expect(() => selectVariants(ablationVariants(base), ['frequency-7'])).toThrow(/--variants: 'frequency-7' is not allowed; allowed: a comma-separated list of default, frequency-1/);
    expect(selectVariants(ablationVariants(base), ['beta2-1', 'default']).map((v) => v.name)).toEqual(['default', 'beta2-1']);
  });

  it('the variants cover item 6 (each value once, the default row standing for its own values), with unique names, and are valid Shampoo options', () => {
    const variants = ablationVariants(base);
    const names = variants.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names[0]).toBe('default');
    for (const n of ['frequency-1', 'frequency-5', 'frequency-100', 'beta2-0.95', 'beta2-0.99', 'beta2-1', 'epsilon-1e-8', 'grafting-rmsprop', 'grafting-adagrad', 'grafting-none',
      'exponent-half', 'block-64', 'block-128', 'block-512', 'block-1024', 'start-40', 'eigenvalue-corrected', 'eigenvalue-corrected-qr', 'every-1-from-20', 'warm-qr-every-1', 'stagger-every-20', 'async-every-1', 'worker-every-1']) {
      expect(names).toContain(n);
    }
    // the default's own values (f 20, beta2 0.999, block 256) are not repeated
    for (const n of ['frequency-20', 'beta2-0.999', 'block-256']) expect(names).not.toContain(n);
    expect(ablationVariants({ preconditionFrequency: 5, maxPreconditionerDim: 64 }).map((v) => v.name)).toContain('frequency-20');
    const pool = () => {
      throw new Error('no pool in this test');
    };
    for (const v of variants.filter((x) => x.name !== 'worker-every-1')) {
      const spec = { name: 'shampoo' as const, lr: 1e-3, weightDecay: 0, ...base, shampooOverrides: () => v.overrides({ pool }) };
      expect(() => shampoo(shampooOptions(spec)), v.name).not.toThrow();
    }
    const stagger = variants.find((v) => v.name === 'stagger-every-20')!;
    expect(shampooOptions({ name: 'shampoo', lr: 1e-3, weightDecay: 0, ...base, shampooOverrides: () => stagger.overrides({ pool }) })).toMatchObject({ staggerRoots: true, preconditionFrequency: 20 });
  });
});

describe('ablation: a quick run', () => {
  it('is registered and writes ablation.json with a finite, measured row for every variant and AdamW', async () => {
    const entry = SUITES.find((s) => s.name === 'ablation');
    if (entry === undefined) throw new Error('no ablation suite');
    const { suite } = await entry.load();
    const outDir = mkdtempSync(join(tmpdir(), 'bench-ablation-'));
    const lines: string[] = [];
    // One step of each variant (about a minute on the cpu backend of 2 loaded cores).
    await suite.run({ quick: true, outDir, flags: { backend: 'cpu', steps: '1' }, log: (l) => lines.push(l) });
    await tf.setBackend('cpu');
    const json = JSON.parse(readFileSync(join(outDir, 'ablation.json'), 'utf8'));
    const spec = await workloadSpec('autoencoder');
    const want = ablationVariants({ preconditionFrequency: spec.quick.preconditionFrequency, maxPreconditionerDim: 64 }).map((v) => v.name);
    expect(json.workload).toBe('autoencoder');
    expect(json.rows.map((r: { name: string }) => r.name)).toEqual([...want, 'adamw']);
    for (const r of json.rows) {
      expect(Number.isFinite(r.finalTestLoss) && r.finalTestLoss > 0, r.name).toBe(true);
      expect(r.stepMs > 0 && Number.isFinite(r.stepRatioToAdamw), r.name).toBe(true);
      expect(r.evals.length).toBeGreaterThanOrEqual(2);
    }
    expect(json.rows[0].stepRatioToDefault).toBe(1);
    expect(lines.join('\n')).toContain('warm-qr-every-1');
  }, 400_000);
});
