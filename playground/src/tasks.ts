/**
 * The playground's problems: each a loss on a small parameter tree, its starting point and,
 * for the 2-D ones, the same loss in plain numbers for the contour plot.
 *
 * - quadratic: f(p) = 1/2 (p - c)^T A (p - c), A = R diag(1, kappa) R^T with kappa = 50 and R a
 *   rotation by 30 degrees, c = (1, 1): an ill-conditioned valley not aligned with the axes,
 *   where a diagonal method zig-zags and a full-matrix preconditioner goes straight; min f = 0.
 * - rosenbrock: f(x, y) = (1 - x)^2 + 100 (y - x^2)^2 from (-1.2, 1); min f = 0 at (1, 1).
 * - least-squares: f(W) = mean((X W - Y)^2) for W [16, 4], X [64, 16] with column scales
 *   logspaced from 1 to 30 (an ill-conditioned Gram X^T X), Y = X W* + noise; a matrix parameter,
 *   so that Shampoo has two Kronecker factors per block and Muon orthogonalizes.
 * Data come from a fixed seed (the testing kit's seededRandom), the same in every browser.
 */
import * as tf from '@tensorflow/tfjs-core';
import { seededRandom } from '@shampoo-ts/testing';

/** A problem: `loss` of the parameters (a scalar tensor), the initial parameters, the 2-D view. */
export interface Task {
  readonly name: TaskName;
  readonly label: string;
  /** The initial parameters (new tensors; the caller disposes them). */
  init(): Record<string, tf.Tensor>;
  loss(params: Record<string, tf.Tensor>): tf.Scalar;
  /** For 2-D tasks: f(x, y) in plain numbers, and the box the contour plot shows. */
  readonly plane?: { f(x: number, y: number): number; box: readonly [number, number, number, number] };
  /** Disposes the task's data. */
  dispose(): void;
}

export type TaskName = 'quadratic' | 'rosenbrock' | 'least-squares';
export const TASK_NAMES: readonly TaskName[] = ['quadratic', 'rosenbrock', 'least-squares'];

/** n uniform values in [-1, 1) from a seed (the testing kit's seededRandom). */
function seeded(n: number, seed: number): Float32Array {
  const r = seededRandom(seed);
  return Float32Array.from({ length: n }, () => 2 * r.uniform() - 1);
}

/** A = R diag(1, kappa) R^T, R the rotation by theta (row-major 2 x 2). */
export function rotatedQuadratic(kappa: number, theta: number): [number, number, number, number] {
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  return [c * c + kappa * s * s, (1 - kappa) * c * s, (1 - kappa) * c * s, s * s + kappa * c * c];
}

function quadratic(): Task {
  const a = rotatedQuadratic(50, Math.PI / 6);
  const center = [1, 1];
  const A = tf.tensor2d(a, [2, 2]);
  const c = tf.tensor1d(center);
  return {
    name: 'quadratic',
    label: 'ill-conditioned quadratic (kappa 50, rotated)',
    init: () => ({ xy: tf.tensor1d([-1.5, 2]) }),
    loss: ({ xy }) => tf.tidy(() => {
      const d = tf.sub(xy, c);
      return tf.mul(0.5, tf.sum(tf.mul(d, tf.squeeze(tf.matMul(A, tf.reshape(d, [2, 1])))))) as tf.Scalar;
    }),
    plane: {
      f: (x, y) => {
        const dx = x - center[0];
        const dy = y - center[1];
        return 0.5 * (a[0] * dx * dx + 2 * a[1] * dx * dy + a[3] * dy * dy);
      },
      box: [-2, 3, -1.5, 3.5],
    },
    dispose: () => tf.dispose([A, c]),
  };
}

function rosenbrock(): Task {
  return {
    name: 'rosenbrock',
    label: 'Rosenbrock',
    init: () => ({ xy: tf.tensor1d([-1.2, 1]) }),
    loss: ({ xy }) => tf.tidy(() => {
      const [x, y] = tf.unstack(xy);
      return tf.add(tf.square(tf.sub(1, x)), tf.mul(100, tf.square(tf.sub(y, tf.square(x))))) as tf.Scalar;
    }),
    plane: { f: (x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2, box: [-2, 2, -1, 3] },
    dispose: () => undefined,
  };
}

function leastSquares(): Task {
  const [m, n, k] = [64, 16, 4];
  const scales = Array.from({ length: n }, (_, j) => 30 ** (j / (n - 1)));
  const xData = seeded(m * n, 11).map((v, i) => v * scales[i % n]);
  const X = tf.tensor2d(xData, [m, n]);
  const wStar = tf.tensor2d(seeded(n * k, 12), [n, k]);
  const Y = tf.tidy(() => tf.add(tf.matMul(X, wStar), tf.mul(0.01, tf.tensor2d(seeded(m * k, 13), [m, k]))));
  return {
    name: 'least-squares',
    label: 'least squares, W [16, 4], ill-conditioned inputs',
    init: () => ({ w: tf.zeros([n, k]) }),
    loss: ({ w }) => tf.tidy(() => tf.mean(tf.square(tf.sub(tf.matMul(X, w), Y))) as tf.Scalar),
    dispose: () => tf.dispose([X, wStar, Y]),
  };
}

/** A new task (its data allocated on the active backend). */
export function makeTask(name: TaskName): Task {
  switch (name) {
    case 'quadratic':
      return quadratic();
    case 'rosenbrock':
      return rosenbrock();
    case 'least-squares':
      return leastSquares();
    default:
      throw new RangeError(`playground: task '${String(name)}' is not known; allowed: ${TASK_NAMES.join(', ')}`);
  }
}
