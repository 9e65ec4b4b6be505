/**
 * The optimizers every backend must reproduce. One line each: a name, a factory and the
 * float32 tolerance its result must meet against the cpu backend after STEPS steps:
 *   |backend - cpu| <= atol + rtol * |cpu|   elementwise on every parameter.
 * Add an optimizer (for example a Shampoo variant) by adding a line.
 */
import { adamw, sgd, type GradientTransformation } from '@shampoo-ts/core';

export interface ConformanceOptimizer {
  readonly name: string;
  readonly make: () => GradientTransformation<any>;
  readonly atol: number;
  readonly rtol: number;
}

export const CONFORMANCE_OPTIMIZERS: readonly ConformanceOptimizer[] = [
  { name: 'sgd-momentum', make: () => sgd({ learningRate: 0.05, momentum: 0.9 }), atol: 1e-5, rtol: 1e-4 },
  { name: 'adamw', make: () => adamw({ learningRate: 0.01, weightDecay: 1e-2 }), atol: 1e-5, rtol: 1e-4 },
];

/** Steps per case. */
export const STEPS = 5;

/** Seeds of the random problems each optimizer is run on. */
export const SEEDS = [1, 2] as const;
