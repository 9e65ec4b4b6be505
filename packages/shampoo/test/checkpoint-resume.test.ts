/**
 * Resuming from a checkpoint is exact for every variant and executor: k steps, save, load
 * into a fresh optimizer (a new executor too, as in a new process), n - k more steps gives
 * the same bytes, in every parameter and every state tensor and number, as n steps
 * straight. The k include steps after which roots are in flight (submitted to a pipelined
 * executor and not installed yet).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import {
  disposeTree,
  initTrainState,
  loadCheckpoint,
  partition,
  saveCheckpoint,
  step,
  type Checkpoint,
  type GradientTransformation,
  type StateValue,
  type TensorTree,
  type TrainState,
} from '@shampoo-ts/core';
import { adamGrafting } from '@shampoo-ts/grafting';
import {
  asyncHostRootExecutor,
  inlineRootExecutor,
  klShampoo,
  muon,
  shampoo,
  soap,
  type RootExecutor,
  type ShampooOptions,
} from '@shampoo-ts/shampoo';
import { stateBytes } from './helpers.js';

/** An optimizer under test, with what its training loop awaits between steps (async executors). */
interface Built {
  tx: GradientTransformation<StateValue>;
  between?: () => Promise<void>;
  /** Called when a run ends (an async executor's reads still in flight settle and release their tensors). */
  finish?: () => Promise<void>;
}

const base: ShampooOptions = {
  lr: 0.05,
  betas: [0.9, 0.99],
  weightDecay: 1e-3,
  maxPreconditionerDim: 4,
  preconditionFrequency: 2,
  startPreconditioningStep: 2,
  onWarning: () => {},
};
const sh = (o: ShampooOptions = {}): Built => ({ tx: shampoo({ ...base, ...o }) as GradientTransformation<StateValue> });
const piped = (executor: () => RootExecutor, o: ShampooOptions = {}) => (): Built => sh({ ...o, rootExecutor: executor() });

const cases: Array<[string, () => Built]> = [
  ['shampoo (grafting, momentum)', () => sh({ grafting: adamGrafting({ epsilon: 1e-8 }), momentum: { momentum: 0.5, nesterov: true } })],
  ['soap', () => ({ tx: soap({ ...base, betas: [0.95, 0.95], epsilon: 1e-8 }) as GradientTransformation<StateValue> })],
  ['klShampoo', () => ({ tx: klShampoo(base) as GradientTransformation<StateValue> })],
  ['eigendecomposed', () => sh({ preconditioner: { type: 'eigendecomposed' } })],
  ['eigenvalue-corrected', () => sh({ preconditioner: { type: 'eigenvalue-corrected' }, epsilon: 1e-8 })],
  ['muon', () => ({ tx: muon({ lr: 0.02, weightDecay: 1e-3 }) as GradientTransformation<StateValue> })],
  ['eigendecomposed KL-Shampoo', () => sh({ preconditioner: { type: 'eigendecomposed-kl-shampoo' } })],
  ['eigendecomposed, QR eigenbasis, tolerance', () => sh({ preconditioner: { type: 'eigendecomposed', eigenbasis: 'qr', tolerance: 0.01 } })],
  ['eigendecomposed, pseudo-inverse', () => sh({ preconditioner: { type: 'eigendecomposed', rankDeficiency: 'pseudo-inverse' }, epsilon: 0 })],
  ['eigenvalue-corrected, tolerance, ignoredBasisChangeDims', () => sh({ preconditioner: { type: 'eigenvalue-corrected', tolerance: 0.05, ignoredBasisChangeDims: { 2: [0] } }, epsilon: 1e-8 })],
  // Spectral descent needs 2-D blocks: the vectors and the scalar go to root-inverse Shampoo.
  ['spectral descent by SVD', () => ({
    tx: partition(
      { svd: shampoo({ ...base, preconditioner: { type: 'spectral-descent', orthogonalization: 'svd' } }), rest: shampoo(base) },
      (_path, leaf) => (leaf.rank >= 2 ? 'svd' : 'rest'),
    ) as GradientTransformation<StateValue>,
  })],
  ['sign descent', () => sh({ preconditioner: { type: 'sign-descent' } })],
  ['GPA', () => sh({ iterateAveraging: { type: 'gpa', evalInterp: 0.9, trainInterp: 0.8 } })],
  ['schedule-free', () => sh({ iterateAveraging: { type: 'schedule-free' } })],
  ['pipelined, delay 1', piped(() => inlineRootExecutor({ delay: 1 }))],
  ['pipelined, delay 2', piped(() => inlineRootExecutor({ delay: 2 }))],
  ['pipelined, delay 3, preconditionFrequency 1', piped(() => inlineRootExecutor({ delay: 3 }), { preconditionFrequency: 1, startPreconditioningStep: 1 })],
  ['soap, pipelined, delay 2', piped(() => inlineRootExecutor({ delay: 2 }), { preconditioner: { type: 'eigenvalue-corrected', eigenbasis: 'qr' }, epsilon: 1e-8 })],
  ['async host, delay 1, awaited', () => {
    const executor = asyncHostRootExecutor({ delay: 1 });
    return { ...sh({ rootExecutor: executor }), between: () => executor.whenReady(), finish: () => executor.whenReady().then(() => executor.dispose()) };
  }],
  ['async host, delay 2, never awaited', () => {
    const executor = asyncHostRootExecutor({ delay: 2 });
    return { ...sh({ rootExecutor: executor }), finish: () => executor.whenReady().then(() => executor.dispose()) };
  }],
];

/** Shapes of a random small tree: a matrix and its bias, a 3-D tensor, a scalar, and a matrix cut into blocks. */
const arbTree = fc.record({
  rows: fc.integer({ min: 2, max: 4 }),
  cols: fc.integer({ min: 2, max: 4 }),
  depth: fc.integer({ min: 1, max: 3 }),
  tall: fc.integer({ min: 5, max: 9 }),
  seed: fc.integer({ min: 1, max: 10_000 }),
});
type TreeCase = { rows: number; cols: number; depth: number; tall: number; seed: number };

function paramsOf(c: TreeCase): TensorTree {
  return tf.tidy(() => ({
    dense: { kernel: tf.randomNormal([c.rows, c.cols], 0, 1, 'float32', c.seed), bias: tf.zeros([c.cols]) },
    conv: tf.randomNormal([2, c.depth, 3], 0, 1, 'float32', c.seed + 1),
    gain: tf.scalar(1),
    // 4 < tall rows with maxPreconditionerDim 4: several blocks.
    blocked: tf.randomNormal([c.tall, 3], 0, 1, 'float32', c.seed + 2),
  }));
}

/** The gradient of step t: seeded by the case, the step and the leaf (the same in every run). */
function gradsAt(params: TensorTree, seed: number, t: number): TensorTree {
  let leaf = 0;
  const grad = (p: tf.Tensor) => tf.randomNormal(p.shape, 0, 1, 'float32', seed * 7919 + t * 101 + leaf++);
  return tf.tidy(() => {
    const { dense, conv, gain, blocked } = params as Record<string, any>;
    return { dense: { kernel: grad(dense.kernel), bias: grad(dense.bias) }, conv: grad(conv), gain: grad(gain), blocked: grad(blocked) };
  });
}

async function advance(state: TrainState<StateValue>, built: Built, seed: number, from: number, to: number): Promise<TrainState<StateValue>> {
  let s = state;
  for (let t = from; t <= to; t++) {
    const g = gradsAt(s.params, seed, t);
    const next = step(s, g, built.tx);
    disposeTree([s, g]);
    s = next;
    await built.between?.();
  }
  // Each optimizer runs once: its run ends here.
  await built.finish?.();
  return s;
}

const STEPS = 8;
const SAVE_AFTER = [1, 2, 3, 4, 5];

describe('every variant and executor resumes from a checkpoint bit for bit', () => {
  for (const [name, make] of cases) {
    it(name, async () => {
      await fc.assert(
        fc.asyncProperty(arbTree, async (c) => {
          const before = tf.memory().numTensors;
          const params = paramsOf(c);
          const straightBuilt = make();
          const straight = await advance(initTrainState(params, straightBuilt.tx), straightBuilt, c.seed, 1, STEPS);
          const want = stateBytes(straight);
          disposeTree(straight);
          let savedInFlight = 0;
          for (const k of SAVE_AFTER) {
            const first = make();
            const midway = await advance(initTrainState(params, first.tx), first, c.seed, 1, k);
            // Plain data, as stored in a file or sent to another process.
            const ckpt: Checkpoint = structuredClone(saveCheckpoint(midway));
            disposeTree(midway);
            if (ckpt.values.some((v) => /\/inFlight\/\d+\/step$/.test(v.path) && v.value !== 0)) savedInFlight++;
            const fresh = make();
            const resumed = await advance(loadCheckpoint(ckpt, params, fresh.tx), fresh, c.seed, k + 1, STEPS);
            expect(stateBytes(resumed), `saved after ${k} steps`).toEqual(want);
            disposeTree(resumed);
          }
          // Pipelined cases were saved with roots in flight at least once.
          if (/pipelined|async/.test(name)) expect(savedInFlight).toBeGreaterThan(0);
          disposeTree(params);
          expect(tf.memory().numTensors).toBe(before);
        }),
        { numRuns: 2 },
      );
    });
  }
});
