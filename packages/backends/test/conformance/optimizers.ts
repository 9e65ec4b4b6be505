/**
 * The optimizers every backend must reproduce. One line each: a name, a factory and the
 * float32 tolerance its result must meet against the cpu backend after STEPS steps:
 *   |backend - cpu| <= atol + rtol * |cpu|   elementwise on every parameter.
 * Add an optimizer (for example a Shampoo variant) by adding a line.
 *
 * The Shampoo variants run with rootExecutor 'auto' (the default): float64 roots on the
 * host on cpu and wasm, float32 iterations on the device on webgpu (coupled Newton for
 * inverse roots, Jacobi for eigendecompositions, QR steps for SOAP). Their problems keep
 * 2-D blocks (targetParameterDimensionality 2, so the Kronecker factors and KL-Shampoo's
 * statistics are exercised) and precondition from step `start`: root-inverse Shampoo
 * computes its roots once, at step 3 (on SwiftShader a device Newton root step of this
 * problem took 10-15 s); KL-Shampoo and eigendecomposed at steps 2 and 4
 * (KL-Shampoo's statistics differ from Shampoo's only once roots exist, and the second
 * Jacobi solve is warm-started); the async host executor (float64 roots from an
 * asynchronous read, on every backend) at step 3, installed at step 4; SOAP at every step from 2 (with a stale
 * basis its non-root steps split new gradient directions along an arbitrary basis of the
 * factors' null space, which float32 and float64 choose differently). `control` is the
 * same optimizer that never preconditions: the cpu reference must differ from it by far
 * more than the tolerance, so a backend that got the roots wrong (or skipped them) fails.
 */
import { adamw, sgd, type GradientTransformation } from '@shampoo-ts/core';
import { adamGrafting } from '@shampoo-ts/grafting';
import { asyncHostRootExecutor, klShampoo, muon, shampoo, soap, type AsyncHostRootExecutor, type ShampooOptions } from '@shampoo-ts/shampoo';

export interface ConformanceOptimizer {
  readonly name: string;
  readonly make: () => GradientTransformation<any>;
  readonly atol: number;
  readonly rtol: number;
  /** The same optimizer with startPreconditioningStep = Infinity (Shampoo variants with roots). */
  readonly control?: () => GradientTransformation<any>;
  /** Awaited between steps (the async root executor waits for its reads there). */
  readonly betweenSteps?: () => Promise<void>;
}

/** Shampoo with asyncHostRootExecutor({ delay: 1 }), awaiting its reads between steps as a training loop should. */
function asyncHostRoots(start: number, atol: number, rtol: number): ConformanceOptimizer {
  let executor: AsyncHostRootExecutor | undefined;
  const build = (s: number, ex: AsyncHostRootExecutor) => shampoo({ ...SHAMPOO, startPreconditioningStep: s, rootExecutor: ex });
  return {
    ...withRoots('shampoo, async host roots (delay 1)', start, (s) => build(s, asyncHostRootExecutor({ delay: 1 })), atol, rtol),
    make: () => build(start, (executor = asyncHostRootExecutor({ delay: 1 }))),
    betweenSteps: async () => executor?.whenReady(),
  };
}

/** A Shampoo variant with roots: `build(start)` for the case, `build(Infinity)` for its control. */
function withRoots(name: string, start: number, build: (startPreconditioningStep: number) => GradientTransformation<any>, atol: number, rtol: number): ConformanceOptimizer {
  return { name, make: () => build(start), control: () => build(Infinity), atol, rtol };
}

const SHAMPOO: ShampooOptions = {
  lr: 0.01, betas: [0.9, 0.999], epsilon: 1e-6, targetParameterDimensionality: 2, preconditionFrequency: 3, grafting: adamGrafting({ epsilon: 1e-8 }),
};

export const CONFORMANCE_OPTIMIZERS: readonly ConformanceOptimizer[] = [
  { name: 'sgd-momentum', make: () => sgd({ learningRate: 0.05, momentum: 0.9 }), atol: 1e-5, rtol: 1e-4 },
  { name: 'adamw', make: () => adamw({ learningRate: 0.01, weightDecay: 1e-2 }), atol: 1e-5, rtol: 1e-4 },
  withRoots('shampoo (adam grafting)', 3, (s) => shampoo({ ...SHAMPOO, startPreconditioningStep: s }), 1e-5, 1e-4),
  withRoots('eigendecomposed shampoo', 2, (s) => shampoo({ ...SHAMPOO, preconditionFrequency: 2, startPreconditioningStep: s, preconditioner: { type: 'eigendecomposed' } }), 1e-5, 1e-4),
  withRoots('soap', 2, (s) => soap({ lr: 0.01, targetParameterDimensionality: 2, preconditionFrequency: 1, startPreconditioningStep: s }), 1e-5, 1e-4),
  withRoots('klShampoo', 2, (s) => klShampoo({ ...SHAMPOO, preconditionFrequency: 2, startPreconditioningStep: s }), 1e-5, 1e-4),
  asyncHostRoots(3, 1e-5, 1e-4),
  { name: 'muon', make: () => muon({ lr: 0.02 }), atol: 1e-5, rtol: 1e-4 },
  { name: 'sign descent', make: () => shampoo({ lr: 0.01, betas: [0.9, 0.999], preconditioner: { type: 'sign-descent' } }), atol: 1e-5, rtol: 1e-4 },
];

/** Steps per case. */
export const STEPS = 5;

/** Seeds of the random problems each optimizer is run on. */
export const SEEDS = [1, 2] as const;
