import { describe, expect, it } from 'vitest';
import { scaleByShampoo, type ShampooOptions } from '@shampoo-ts/shampoo';
import { resolveShampooConfig } from '@shampoo-ts/shampoo/engine';
import { adamGrafting } from '@shampoo-ts/grafting';

const reject = (options: ShampooOptions, message: string) => expect(() => scaleByShampoo(options)).toThrow(message);

describe('hyperparameters of docs/algorithms.md#shampoo-defaults', () => {
  it('have the reference defaults', () => {
    const c = resolveShampooConfig();
    expect(c).toMatchObject({
      lr: 1e-2, peakLr: null, beta1: 0.9, beta2: 1, beta3: 0.9, epsilon: 1e-12, weightDecay: 0, weightDecayType: 'decoupled',
      maxPreconditionerDim: 1024, preconditionFrequency: 1, startPreconditioningStep: 1, useBiasCorrection: true,
      grafting: null, momentum: null, iterateAveraging: null, useSymmetricPacking: true, traceScalingExponent: 0,
      numToleratedFailedAmortizedComputations: 3, useFactorWeighting: true,
    });
    expect(c.preconditioner).toEqual({ type: 'root-inverse' });
    expect(resolveShampooConfig({ preconditionFrequency: 10 }).startPreconditioningStep).toBe(10);
    expect(resolveShampooConfig({ betas: [0.5, 0.9], beta3: -1 }).beta3).toBe(0.5);
    expect(resolveShampooConfig({ useTraceScaling: true }).traceScalingExponent).toBe(0.5);
    expect(resolveShampooConfig({ lr: 0.1, weightDecayType: 'corrected', peakLr: 0.2 }).peakLr).toBe(0.2);
  });

  it('reject every invalid value naming the parameter, the value and the allowed range', () => {
    reject({ lr: -1 }, 'scaleByShampoo: lr = -1 is not allowed; allowed: a finite number >= 0');
    reject({ betas: [1, 0.9] }, 'scaleByShampoo: betas[0] = 1 is not allowed; allowed: a number in [0, 1)');
    reject({ betas: [0.9, 1.5] }, 'scaleByShampoo: betas[1] = 1.5 is not allowed; allowed: a number in [0, 1]');
    reject({ betas: [0.9] as unknown as [number, number] }, 'scaleByShampoo: betas = [0.9] is not allowed; allowed: a pair [beta1, beta2]');
    reject({ beta3: 1 }, 'scaleByShampoo: beta3 = 1 is not allowed; allowed: a number in [0, 1), or -1 for beta1');
    reject({ epsilon: 0 }, "scaleByShampoo: epsilon = 0 is not allowed; allowed: a finite number > 0 (exactly 0 only with rankDeficiency 'pseudo-inverse')");
    reject({ epsilon: 1e-12, preconditioner: { type: 'root-inverse', rankDeficiency: 'pseudo-inverse' } }, "scaleByShampoo: epsilon = 1e-12 is not allowed; allowed: exactly 0 with rankDeficiency 'pseudo-inverse'");
    reject({ weightDecay: -0.1 }, 'scaleByShampoo: weightDecay = -0.1 is not allowed; allowed: a finite number >= 0');
    reject({ weightDecayType: 'l1' as never }, `scaleByShampoo: weightDecayType = "l1" is not allowed; allowed: 'l2', 'decoupled', 'corrected' or 'independent'`);
    reject({ maxPreconditionerDim: 0 }, 'scaleByShampoo: maxPreconditionerDim = 0 is not allowed; allowed: an integer >= 1, or Infinity');
    reject({ maxPreconditionerDim: 2.5 }, 'scaleByShampoo: maxPreconditionerDim = 2.5 is not allowed');
    reject({ preconditionFrequency: 0 }, 'scaleByShampoo: preconditionFrequency = 0 is not allowed; allowed: an integer >= 1');
    reject({ preconditionFrequency: 10, startPreconditioningStep: 5 }, 'scaleByShampoo: startPreconditioningStep = 5 is not allowed; allowed: an integer >= preconditionFrequency (10), Infinity, or -1 for preconditionFrequency');
    reject({ useBiasCorrection: 'yes' as never }, 'scaleByShampoo: useBiasCorrection = "yes" is not allowed; allowed: true or false');
    reject({ grafting: {} as never }, 'scaleByShampoo: grafting = {} is not allowed; allowed: a grafting strategy');
    reject({ momentum: { momentum: 1 } }, 'scaleByShampoo: momentum.momentum = 1 is not allowed; allowed: a number in (0, 1)');
    reject({ momentum: { momentum: 0.9, dampening: 1 } }, 'scaleByShampoo: momentum.dampening = 1 is not allowed; allowed: a number in [0, 1)');
    reject({ iterateAveraging: { type: 'gpa', evalInterp: 1 } }, 'scaleByShampoo: iterateAveraging.evalInterp = 1 is not allowed; allowed: a number in [0, 1)');
    reject({ iterateAveraging: { type: 'schedule-free', trainInterp: 0 } }, 'scaleByShampoo: iterateAveraging.trainInterp = 0 is not allowed; allowed: a number in (0, 1]');
    reject({ preconditioner: { type: 'lbfgs' } as never }, "scaleByShampoo: preconditioner = {\"type\":\"lbfgs\"} is not allowed; allowed: an object whose type is one of 'root-inverse'");
    reject({ preconditioner: { type: 'root-inverse', method: 'svd' as never } }, "scaleByShampoo: preconditioner.method = \"svd\" is not allowed; allowed: 'eigen', 'newton' or 'higher-order'");
    reject({ preconditioner: { type: 'eigenvalue-corrected', qrSteps: 0 } }, 'scaleByShampoo: preconditioner.qrSteps = 0 is not allowed; allowed: an integer >= 1');
    reject({ preconditioner: { type: 'spectral-descent', coefficients: [1, 2] as never } }, 'scaleByShampoo: preconditioner.coefficients = [1,2] is not allowed; allowed: three finite numbers [a, b, c]');
    reject({ factorMatrixDtype: 'float64' as never }, `scaleByShampoo: factorMatrixDtype = "float64" is not allowed; allowed: 'float32' (TensorFlow.js has no float64)`);
    reject({ useSymmetricPacking: 1 as never }, 'scaleByShampoo: useSymmetricPacking = 1 is not allowed; allowed: true or false');
    reject({ traceScalingExponent: 0 }, 'scaleByShampoo: traceScalingExponent = 0 is not allowed; allowed: a number in (0, 1]');
    reject({ inverseExponentOverride: { 2: -0.5 } }, 'scaleByShampoo: inverseExponentOverride[2] = -0.5 is not allowed; allowed: a finite number >= 0 (0 = not preconditioned)');
    reject({ inverseExponentOverride: { 2: { 2: 0.5 } } }, 'scaleByShampoo: inverseExponentOverride[2] dim = 2 is not allowed; allowed: an integer in [0, 1]');
    reject({ numToleratedFailedAmortizedComputations: -1 }, 'scaleByShampoo: numToleratedFailedAmortizedComputations = -1 is not allowed; allowed: an integer >= 0');
    reject({ rootExecutor: {} as never }, 'scaleByShampoo: rootExecutor = {} is not allowed; allowed: a RootExecutor');
    reject({ lrr: 1 } as never, "scaleByShampoo: unknown option 'lrr'; allowed options: [lr, peakLr");
    expect(() => scaleByShampoo({ grafting: adamGrafting(), startPreconditioningStep: Infinity })).not.toThrow();
  });
});
