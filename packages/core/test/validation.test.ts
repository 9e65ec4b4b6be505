/** Bad input to the combinators and the runner: an Error naming the parameter or path, the value, what is allowed. */
import { describe, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  adam,
  chain,
  disposeTree,
  identity,
  injectHyperparams,
  masked,
  namedChain,
  partition,
  rmsprop,
  scale,
  sgd,
  Trainer,
} from '@shampoo-ts/core';
import { expectThrowsNoLeak } from './support/leaks.js';

describe('validation', () => {
  it('optimizer aliases', () => {
    expectThrowsNoLeak(() => sgd({ learningRate: 0.1, nesterov: true }), /sgd: nesterov = true needs momentum/);
    expectThrowsNoLeak(() => sgd({ learningRate: 0.1, momentum: 1.2 }), /sgd: momentum = 1.2/, /0 <= momentum <= 1/);
    expectThrowsNoLeak(() => sgd({ learningRate: Number.NaN }), /learningRate = NaN/, /finite/);
    expectThrowsNoLeak(() => sgd({} as never), /learningRate = undefined/);
    expectThrowsNoLeak(() => rmsprop({ learningRate: 0.1, momentum: -0.5 }), /rmsprop: momentum = -0.5/);
    expectThrowsNoLeak(() => adam({ learningRate: 0.1, lr: 0.1 } as never), /adam: unknown option 'lr'/, /learningRate/);
    expectThrowsNoLeak(() => sgd(undefined as never), /sgd: options = undefined is not allowed/, /learningRate/);
  });

  it('combinators name the bad argument', () => {
    expectThrowsNoLeak(() => chain(identity(), {} as never), /chain: transform 1/, /GradientTransformation/);
    expectThrowsNoLeak(() => namedChain(['a', identity()], ['b'] as never), /namedChain: argument 1/);
    expectThrowsNoLeak(() => partition({ a: 3 } as never, () => 'a'), /partition: transforms\['a'\]/);
    const params = { w: tf.zeros([2]), b: tf.zeros([2]) };
    expectThrowsNoLeak(() => masked(scale(2), { w: true, b: 'yes' } as never).init(params), /masked: the mask tree has string at 'b'/, /true or false/);
    expectThrowsNoLeak(() => masked(scale(2), () => 1 as never).init(params), /masked: the mask function returned 1 for the leaf at 'b'/);
    expectThrowsNoLeak(() => masked(scale(2), { w: true }).init(params), /no value for the leaf at 'b'/);
    disposeTree(params);
  });

  it('injectHyperparams rejects non-finite numbers and functions that are not schedules', () => {
    expectThrowsNoLeak(() => injectHyperparams(adam)({ learningRate: Number.POSITIVE_INFINITY }), /injectHyperparams: learningRate = Infinity/);
    expectThrowsNoLeak(() => injectHyperparams(adam)({ learningRate: 0.1, b1: 2 }), /b1 = 2/, /0 <= b1 < 1/);
    expectThrowsNoLeak(
      () => injectHyperparams(adam)({ learningRate: (() => 'fast') as never }),
      /'learningRate' is a function, so it is taken as a schedule, but it returned string/,
      /staticArgs/,
    );
    expectThrowsNoLeak(() => injectHyperparams(adam, { statc: [] } as never), /unknown option 'statc'/);
  });

  it('a schedule that goes bad mid-run fails that step with the count, and the state stays usable', () => {
    const params = { w: tf.ones([2]) };
    const tx = injectHyperparams(sgd)({ learningRate: (k: number) => (k === 1 ? Number.NaN : 0.1) });
    const s0 = tx.init(params);
    const [u, s1] = tx.update(params, s0, params);
    expectThrowsNoLeak(() => tx.update(params, s1, params), /learningRate \(schedule at count 1\) = NaN/);
    disposeTree([params, s0, u, s1]);
  });

  it('Trainer needs a loss function', () => {
    const params = { w: tf.ones([2]) };
    expectThrowsNoLeak(() => new Trainer({ params, transform: sgd({ learningRate: 0.1 }), loss: undefined as never }), /Trainer: loss is undefined/);
    disposeTree(params);
  });
});
