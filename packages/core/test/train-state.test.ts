import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { adamw, chain, clipByGlobalNorm, disposeTree, initTrainState, injectHyperparams, leavesWithPaths, sgd, step, Trainer, type InjectHyperparamsState, type TrainState } from '@shampoo-ts/core';
import { tensorsIn } from '@shampoo-ts/core/authoring';
import { buildTree, gradsAt, treeSpecArb } from './support/arbitraries.js';
import { stateBytes, treeValues } from './support/compare.js';
import { expectNoLeak, expectThrowsNoLeak } from './support/leaks.js';

const seedArb = fc.integer({ min: 1, max: 2 ** 30 });

describe('initTrainState and step', () => {
  it('step is pure: the old state is neither disposed nor changed, and the new one is params + updates', () => {
    fc.assert(fc.property(treeSpecArb(), seedArb, fc.double({ min: 0, max: 1, noNaN: true }), (spec, seed, lr) => expectNoLeak(() => {
      const params = buildTree(spec, seed);
      const tx = sgd({ learningRate: lr, momentum: 0.9 });
      const s0 = initTrainState(params, tx);
      disposeTree(params); // the state holds its own clones
      const before = stateBytes(s0);
      const g = gradsAt(s0.params, seed, 0);
      const s1 = step(s0, g, tx);
      expect(stateBytes(s0)).toEqual(before);
      for (const t of tensorsIn(s0)) expect(t.isDisposed).toBe(false);
      expect(s0.count).toBe(0);
      expect(s1.count).toBe(1);
      const pv = treeValues(s0.params);
      const gv = treeValues(g);
      for (const [path, vals] of Object.entries(treeValues(s1.params))) {
        vals.forEach((v, i) => expect(v).toBe(Math.fround(pv[path][i] + Math.fround(-lr * gv[path][i]))));
      }
      const shared = tensorsIn(s1).filter((t) => tensorsIn(s0).includes(t) || tensorsIn(g).includes(t));
      expect(shared).toEqual([]);
      disposeTree([s0, g]);
      expect(() => stateBytes(s1)).not.toThrow();
      disposeTree(s1);
    })));
  });

  it('rejects grads of another structure or shape, naming the path, and changes nothing', () => {
    const params = { dense: { kernel: tf.zeros([2, 3]), bias: tf.zeros([3]) } };
    const tx = adamw({ learningRate: 0.1 });
    const s = initTrainState(params, tx);
    const before = stateBytes(s);
    const missing = { dense: { kernel: tf.zeros([2, 3]) } };
    const shaped = { dense: { kernel: tf.zeros([3, 2]), bias: tf.zeros([3]) } };
    expectThrowsNoLeak(() => step(s, missing, tx), /grads does not match params/, /'dense\/bias'/, /missing/);
    expectThrowsNoLeak(() => step(s, shaped, tx), /'dense\/kernel'/, /\[2,3\]/, /\[3,2\]/);
    expect(stateBytes(s)).toEqual(before);
    disposeTree([params, s, missing, shaped]);
  });

  it('rejects parameters that are not float32, naming the path', () => {
    const params = { a: tf.zeros([2]), steps: tf.tensor([1, 2], [2], 'int32') };
    expectThrowsNoLeak(() => initTrainState(params, sgd({ learningRate: 0.1 })), /'steps'/, /int32/, /float32/);
    disposeTree(params);
  });
});

/** A tiny two-layer regression model and its data. */
function tinyModel() {
  const x = tf.tensor2d(Array.from({ length: 32 }, (_, i) => [Math.sin(i), Math.cos(i), i / 32]), [32, 3]);
  const y = tf.tensor2d(Array.from({ length: 32 }, (_, i) => [Math.sin(i) - 0.5 * Math.cos(i) + i / 64]), [32, 1]);
  const params = {
    dense1: { kernel: tf.randomNormal([3, 8], 0, 0.5, 'float32', 1), bias: tf.zeros([8]) },
    dense2: { kernel: tf.randomNormal([8, 1], 0, 0.5, 'float32', 2), bias: tf.zeros([1]) },
  };
  type P = typeof params;
  const loss = (p: P, batch: { x: tf.Tensor2D; y: tf.Tensor2D }) => {
    const h = tf.relu(tf.add(tf.matMul(batch.x, p.dense1.kernel), p.dense1.bias));
    const out = tf.add(tf.matMul(h, p.dense2.kernel), p.dense2.bias);
    return tf.mean(tf.square(tf.sub(out, batch.y))) as tf.Scalar;
  };
  return { x, y, params, loss };
}

describe('Trainer', () => {
  it('keeps the tensor count flat over 1000 steps of chain(clipByGlobalNorm, adamw) and lowers the loss', () => {
    const { x, y, params, loss } = tinyModel();
    const before = tf.memory().numTensors;
    const trainer = new Trainer({ params, transform: chain(clipByGlobalNorm(1), adamw({ learningRate: 1e-2, weightDecay: 1e-4 })), loss });
    const afterInit = tf.memory().numTensors;
    const counts: number[] = [];
    const losses = trainer.run(1000, () => ({ x, y }), ({ count }) => {
      if (count % 100 === 0) counts.push(tf.memory().numTensors);
    });
    expect(counts).toHaveLength(10);
    expect(new Set(counts)).toEqual(new Set([afterInit]));
    expect(trainer.count).toBe(1000);
    expect(losses[999]).toBeLessThan(0.2 * losses[0]);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    disposeTree([x, y, params]);
  });

  it('disposes the previous state after each step, and keeps the caller\'s params', () => {
    const { x, y, params, loss } = tinyModel();
    const trainer = new Trainer({ params, transform: sgd({ learningRate: 0.1 }), loss });
    const first = trainer.state;
    trainer.step({ x, y });
    for (const t of tensorsIn(first)) expect(t.isDisposed).toBe(true);
    for (const [, t] of leavesWithPaths(params)) expect(t.isDisposed).toBe(false);
    trainer.dispose();
    expect(() => trainer.state).toThrow(/disposed/);
    disposeTree([x, y, params]);
  });

  it('reports the loss before each update, equal to the loss function at the current params', () => {
    const { x, y, params, loss } = tinyModel();
    const trainer = new Trainer({ params, transform: sgd({ learningRate: 0.05 }), loss });
    for (let k = 0; k < 3; k++) {
      const direct = tf.tidy(() => loss(trainer.params, { x, y }).dataSync()[0]);
      expect(trainer.step({ x, y })).toBe(direct);
    }
    trainer.dispose();
    disposeTree([x, y, params]);
  });

  it('a failing step (non-scalar loss) throws and keeps the state', () => {
    const { x, y, params } = tinyModel();
    const trainer = new Trainer({ params, transform: sgd({ learningRate: 0.1 }), loss: (p: typeof params) => tf.sum(p.dense1.kernel, 0) as unknown as tf.Scalar });
    const before = stateBytes(trainer.state);
    expectThrowsNoLeak(() => trainer.step(undefined), /the loss function returned a tensor of shape \[8\]/, /scalar/);
    expect(stateBytes(trainer.state)).toEqual(before);
    trainer.dispose();
    disposeTree([x, y, params]);
  });

  it('a loss that throws propagates its error and keeps the state; an unused parameter gets a zero gradient', () => {
    const { x, y, params, loss } = tinyModel();
    const failing = new Trainer({ params, transform: sgd({ learningRate: 0.1 }), loss: (): tf.Scalar => {
      tf.square(tf.ones([4])); // some work before the failure
      throw new RangeError('bad batch');
    } });
    const before = stateBytes(failing.state);
    expectThrowsNoLeak(() => failing.step(undefined), /bad batch/);
    expect(stateBytes(failing.state)).toEqual(before);
    failing.dispose();
    const frozen = { ...params, unused: tf.ones([3]) };
    const trainer = new Trainer({ params: frozen, transform: sgd({ learningRate: 0.1 }), loss: (p: typeof frozen, b: { x: tf.Tensor2D; y: tf.Tensor2D }) => loss(p, b) });
    expectNoLeak(() => trainer.step({ x, y }));
    expect(treeValues(trainer.params).unused).toEqual([1, 1, 1]);
    trainer.dispose();
    disposeTree([x, y, frozen]);
  });

  it('setHyperparam on the trainer changes the injected learning rate from the next step', () => {
    const { x, y, params, loss } = tinyModel();
    const trainer = new Trainer({ params, transform: injectHyperparams(sgd)({ learningRate: 0.1 }), loss });
    trainer.step({ x, y });
    trainer.setHyperparam('learningRate', 0);
    const frozen = stateBytes(trainer.params);
    trainer.step({ x, y });
    expect(stateBytes(trainer.params)).toEqual(frozen);
    expect((trainer.state.optState as InjectHyperparamsState).hyperparams.learningRate).toBe(0);
    trainer.dispose();
    disposeTree([x, y, params]);
  });

  it('save and restore round-trip the state through the trainer', () => {
    const { x, y, params, loss } = tinyModel();
    const trainer = new Trainer({ params, transform: adamw({ learningRate: 0.01 }), loss });
    trainer.run(3, () => ({ x, y }));
    const ckpt = trainer.save();
    const at3 = stateBytes(trainer.state);
    trainer.run(2, () => ({ x, y }));
    trainer.restore(ckpt);
    expect(stateBytes(trainer.state)).toEqual(at3);
    trainer.dispose();
    disposeTree([x, y, params]);
  });
});


