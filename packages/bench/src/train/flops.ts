/**
 * FLOP counts for the step benchmark's `flop_bound`.
 *   model   : 3 x forward FLOPs x batch (models/model.ts; 6 b m n for a dense layer)
 *   Shampoo : per block of order k with dims d_1..d_k and N = prod d_i elements,
 *             factor updates  sum_i 2 N d_i   (F_i += G_(i) G_(i)^T)
 *             preconditioning sum_i 2 N d_i   (contract G with X_i along dim i)
 *             so 4 N sum_i d_i in all: 4 m n (m + n) for an m x n block, 4 n^2 for a
 *             1-D block of n (full-matrix AdaGrad). Grafting, the filtered gradient and
 *             weight decay are O(N) and not counted; the roots are amortized separately.
 *   flop_bound = (model + Shampoo) / model: the best step-time ratio over a diagonal
 *   optimizer that any implementation could reach at equal FLOP throughput.
 */
import { blockLayout } from '@shampoo-ts/shampoo/engine';
import { trainingFlopsPerStep, type Model } from '../models/model.js';

/** Shampoo's extra FLOPs per step for one parameter shape (see the module comment). */
export function shampooFlopsForShape(shape: readonly number[], maxPreconditionerDim: number): number {
  let flops = 0;
  for (const block of blockLayout(shape, maxPreconditionerDim).blocks) {
    const n = block.size.reduce((a, b) => a * b, 1);
    const sumDims = block.size.reduce((a, b) => a + b, 0);
    flops += 4 * n * sumDims;
  }
  return flops;
}

/** Shampoo's extra FLOPs per step over every parameter of a model. */
export function shampooFlops(model: Model, maxPreconditionerDim: number): number {
  let flops = 0;
  for (const layer of Object.values(model.shapes)) for (const shape of Object.values(layer)) flops += shampooFlopsForShape(shape, maxPreconditionerDim);
  return flops;
}

/** (model FLOPs + Shampoo FLOPs) / model FLOPs for one training step. */
export function flopBound(model: Model, batchSize: number, maxPreconditionerDim: number): number {
  const m = trainingFlopsPerStep(model, batchSize);
  return (m + shampooFlops(model, maxPreconditionerDim)) / m;
}
