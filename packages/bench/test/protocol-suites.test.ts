import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { SUITES } from '../src/registry.js';
import { OPTIMIZER_NAMES } from '../src/train/optimizers.js';

describe('the time-to-target suites', () => {
  it('are registered: mnist, lm, transformer, autoencoder', () => {
    for (const name of ['mnist', 'lm', 'transformer', 'autoencoder']) expect(SUITES.map((s) => s.name)).toContain(name);
  });

  for (const name of ['transformer', 'autoencoder'] as const) {
    it(`${name} --quick writes <suite>.json with schedule, lrGrid, chosenLr and ratios for all five contenders`, async () => {
      const entry = SUITES.find((s) => s.name === name);
      if (entry === undefined) throw new Error(`no suite ${name}`);
      const { suite } = await entry.load();
      const outDir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
      const lines: string[] = [];
      await suite.run({ quick: true, outDir, flags: { backend: 'cpu' }, log: (l) => lines.push(l) });
      await tf.setBackend('cpu');
      const json = JSON.parse(readFileSync(join(outDir, `${name}.json`), 'utf8'));
      expect(json.schedule).toBe('cosine');
      expect(json.lrGrid).toEqual([3e-3]);
      expect(Object.keys(json.chosenLr).sort()).toEqual([...OPTIMIZER_NAMES].sort());
      expect(json.ratios.map((r: { optimizer: string }) => r.optimizer)).toEqual([...OPTIMIZER_NAMES]);
      const adamw = json.ratios.find((r: { optimizer: string }) => r.optimizer === 'adamw');
      for (const key of ['stepsRatio', 'secondsRatio']) expect(Object.keys(adamw[key]).sort()).toEqual(['max', 'mean', 'min', 'values']);
      expect(adamw.stepsRatio.values).toEqual([1]);
      expect(Number.isFinite(json.targetLoss)).toBe(true);
      expect(readFileSync(join(outDir, `${name}.svg`), 'utf8')).toContain('test loss vs time');
      expect(lines.join('\n')).toContain('cosine learning rate; ratios over 1 seed(s)');
    });
  }
});
