import { describe, expect, it } from 'vitest';
import { blockLayout } from '@shampoo-ts/shampoo/engine';
import { measureVariant, memoryVariants } from '../src/suites/memory.js';
import { mlp } from '../src/models/mlp.js';
import { convnet } from '../src/models/convnet.js';
import { parameterCount, type Model } from '../src/models/model.js';

/** 4 bytes x sum over every factor of d (d - 1) / 2: what packing the upper triangle saves. */
function packingSaving(model: Model, blockSize: number): number {
  let floats = 0;
  for (const layer of Object.values(model.shapes)) {
    for (const shape of Object.values(layer)) {
      for (const block of blockLayout(shape, blockSize).blocks) for (const d of block.size) floats += (d * (d - 1)) / 2;
    }
  }
  return 4 * floats;
}

describe('memory suite measurements', () => {
  const models = [mlp([784, 32, 10]), convnet(4, 8)];

  it('AdamW and tf.train.adam keep two numbers per parameter', () => {
    const [adamw, tfAdam] = memoryVariants([64]);
    for (const m of models) {
      expect(measureVariant(m, adamw)).toBe(8 * parameterCount(m));
      // tfjs also keeps beta1^t and beta2^t as two scalar variables
      expect(measureVariant(m, tfAdam)).toBe(8 * parameterCount(m) + 8);
    }
  });

  it('symmetric packing saves exactly d (d - 1) / 2 floats per factor', () => {
    for (const blockSize of [16, 64]) {
      const variants = memoryVariants([blockSize]).filter((v) => v.name === 'Shampoo root-inverse (Adam grafting)');
      const on = variants.find((v) => v.packing === true);
      const off = variants.find((v) => v.packing === false);
      for (const m of models) {
        expect(measureVariant(m, off!) - measureVariant(m, on!)).toBe(packingSaving(m, blockSize));
      }
    }
  });
});
