/**
 * Nested options are checked like top-level ones: an unknown key anywhere (a typo such as
 * `momentum: { nestrov }`) throws at construction, naming the key, its value and the keys
 * allowed there; a wrong type of a nested flag names the path. Nothing is built on failure.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { disposeTree, sgd } from '@shampoo-ts/core';
import { iterateAveraging, klShampoo, muon, scaleByShampoo, shampoo, soap, type ShampooOptions } from '@shampoo-ts/shampoo';
import { resolveShampooConfig } from '@shampoo-ts/shampoo/engine';
import { assertEquivalentTransforms } from '@shampoo-ts/testing';

/** Expects `build` to throw `message` and to leave no tensor behind. */
function rejects(build: () => unknown, message: string): void {
  const before = tf.memory().numTensors;
  expect(build).toThrow(message);
  expect(tf.memory().numTensors).toBe(before);
}
const shampooRejects = (options: ShampooOptions, message: string) => rejects(() => scaleByShampoo(options), message);

describe('unknown option keys', () => {
  it('at the top level name the key, its value and every allowed option', () => {
    shampooRejects({ lrr: 1 } as never, "scaleByShampoo: unknown option 'lrr'; allowed options: [lr, peakLr, betas,");
    shampooRejects({ lrr: 1 } as never, '; got lrr = 1');
  });

  it('in iterateAveraging, per averaging type', () => {
    shampooRejects(
      { iterateAveraging: { type: 'gpa', evalInterpp: 0.9 } as never },
      "scaleByShampoo: iterateAveraging: unknown option 'evalInterpp'; allowed options: [type, evalInterp, trainInterp]; got evalInterpp = 0.9",
    );
    shampooRejects(
      { iterateAveraging: { type: 'schedule-free', evalInterp: 0.9 } as never },
      "scaleByShampoo: iterateAveraging: unknown option 'evalInterp'; allowed options: [type, trainInterp, lrPower]; got evalInterp = 0.9",
    );
    rejects(() => iterateAveraging({ type: 'gpa', trainInterpp: 1 } as never, 0.1), "iterateAveraging: iterateAveraging: unknown option 'trainInterpp'");
  });

  it('in momentum', () => {
    shampooRejects(
      { momentum: { momentum: 0.9, nestrov: true } as never },
      "scaleByShampoo: momentum: unknown option 'nestrov'; allowed options: [momentum, dampening, nesterov]; got nestrov = true",
    );
    shampooRejects({ momentum: { momentum: 0.9, nesterov: 'yes' as never } }, 'scaleByShampoo: momentum.nesterov = "yes" is not allowed; allowed: true or false');
  });

  it('in preconditioner, per preconditioner type', () => {
    shampooRejects(
      { preconditioner: { type: 'root-inverse', methd: 'newton' } as never },
      "scaleByShampoo: preconditioner: unknown option 'methd'; allowed options: [type, method, rankDeficiency, rankRtol, rankAtol, perturbBeforeComputation, relativeEpsilon, newton, higherOrder]; got methd = \"newton\"",
    );
    shampooRejects(
      { preconditioner: { type: 'sign-descent', steps: 3 } as never },
      "scaleByShampoo: preconditioner: unknown option 'steps'; allowed options: [type, scale]; got steps = 3",
    );
    shampooRejects(
      { preconditioner: { type: 'eigendecomposed', correctionExponent: 0.5 } as never },
      "scaleByShampoo: preconditioner: unknown option 'correctionExponent'; allowed options: [type, eigenbasis, qrSteps, tolerance, rankDeficiency, rankRtol, rankAtol]; got correctionExponent = 0.5",
    );
  });

  it('of muon, at the top level and in adam; nesterov must be a boolean', () => {
    rejects(() => muon({ learning_rate: 0.02 } as never), "muon: unknown option 'learning_rate'; allowed options: [learningRate, lr, beta, nesterov, weightDecay, nsSteps, nsCoefficients, scaleByDims, adam, isMatrixParam]; got learning_rate = 0.02");
    rejects(() => muon({ momentum: 0.9 } as never), "muon: unknown option 'momentum'");
    rejects(() => muon({ adam: { lr: 3e-4 } } as never), "muon: adam: unknown option 'lr'; allowed options: [learningRate, b1, b2, eps, weightDecay]; got lr = 0.0003");
    rejects(() => muon({ nesterov: 'yes' as never }), 'muon: nesterov = "yes" is not allowed; allowed: true or false');
  });
});

describe('aliases that fix the preconditioner', () => {
  it('soap and klShampoo refuse a preconditioner option instead of overriding it silently', () => {
    rejects(
      () => soap({ preconditioner: { type: 'root-inverse' } } as never),
      'soap: preconditioner = {"type":"root-inverse"} is not allowed; allowed: no preconditioner option',
    );
    rejects(
      () => klShampoo({ preconditioner: { type: 'eigendecomposed' } } as never),
      'klShampoo: preconditioner = {"type":"eigendecomposed"} is not allowed; allowed: no preconditioner option',
    );
  });
});

describe('classic momentum', () => {
  it('defaults to momentum 0.5 (the reference ClassicMomentumConfig default)', () => {
    expect(resolveShampooConfig({ momentum: {} }).momentum).toEqual({ momentum: 0.5, dampening: 0, nesterov: false });
    expect(resolveShampooConfig({ momentum: { nesterov: true } }).momentum?.momentum).toBe(0.5);
    // Shampoo reduced to SGD (identity roots, no filtering): momentum {} is SGD with momentum 0.5.
    assertEquivalentTransforms(
      () => shampoo({ lr: 0.1, betas: [0, 1], startPreconditioningStep: Infinity, momentum: {} }),
      () => sgd({ learningRate: 0.1, momentum: 0.5 }),
      { steps: 4, fc: { numRuns: 5 }, tol: { rtol: 1e-5, atol: 1e-7 }, names: ['shampoo momentum {}', 'sgd momentum 0.5'] },
    );
  });

  it('and iterate averaging are exclusive (in the reference both are an iterate_averaging_config)', () => {
    shampooRejects(
      { momentum: { momentum: 0.9 }, iterateAveraging: { type: 'gpa' } },
      'scaleByShampoo: momentum = {"momentum":0.9} is not allowed; allowed: null or absent when iterateAveraging is set',
    );
    const params = { w: tf.zeros([2]) };
    expect(() => shampoo({ momentum: null, iterateAveraging: { type: 'gpa' } }).init(params)).not.toThrow();
    disposeTree(params);
  });
});
