/**
 * One playground session: every chosen optimizer trains the task from the same start,
 * interleaved step by step (so the curves grow together), with core's pure `step`:
 *   g_t = grad f(p_t);  (p_(t+1), s_(t+1)) = step((p_t, s_t), g_t, tx)
 * Each step's loss f(p_t) and, for 2-D tasks, p_t are read back asynchronously (`await data()`);
 * the step time is the wall time from the gradient to the loss read back (so on webgpu it
 * includes the device's work). The tensor count is read before and after the session.
 */
import * as tf from '@tensorflow/tfjs-core';
import { disposeTree, initTrainState, leaves, step, unflatten, type TensorTree, type TrainState } from '@shampoo-ts/core';
import type { ShampooStats } from '@shampoo-ts/shampoo';
import { makeOptimizer, type OptimizerKnobs, type OptimizerName } from './optimizers.js';
import { makeTask, type TaskName } from './tasks.js';

/** What to run. */
export interface SessionConfig {
  readonly task: TaskName;
  readonly optimizers: readonly { readonly name: OptimizerName; readonly lr: number }[];
  readonly steps: number;
  readonly preconditionFrequency: number;
  readonly blockSize: number;
  readonly read: OptimizerKnobs['read'];
}

/** One optimizer's run so far. */
export interface RunTrace {
  readonly name: OptimizerName;
  readonly losses: number[];
  readonly stepMs: number[];
  /** 2-D tasks: the iterates p_0, p_1, ... */
  readonly path: [number, number][];
  /** Shampoo: the stats of its last step. */
  stats: ShampooStats | null;
  /** Shampoo: steps at which some block's roots were refreshed. */
  readonly refreshSteps: number[];
}

/** The session's result. */
export interface SessionResult {
  readonly runs: RunTrace[];
  readonly tensorsBefore: number;
  readonly tensorsAfter: number;
  readonly stopped: boolean;
}

type Params = Record<string, tf.Tensor>;

/** Gradients of `loss` at `params`, a tree of the same structure. */
function gradients(loss: (p: Params) => tf.Scalar, params: TensorTree): TensorTree {
  const flat = leaves(params);
  const g = tf.grads((...xs: tf.Tensor[]) => loss(unflatten(params, xs) as Params));
  return unflatten(params, g(flat)) as TensorTree;
}

/** Runs a session (see the module comment); `onStep` after every interleaved round, `shouldStop` checked before each. */
export async function runSession(config: SessionConfig, onStep: (runs: readonly RunTrace[], t: number) => void, shouldStop: () => boolean = () => false): Promise<SessionResult> {
  const tensorsBefore = tf.memory().numTensors;
  const task = makeTask(config.task);
  const start = task.init();
  const runs: RunTrace[] = [];
  const states: TrainState<never, TensorTree>[] = [];
  const txs = config.optimizers.map(({ name, lr }) => {
    const trace: RunTrace = { name, losses: [], stepMs: [], path: [], stats: null, refreshSteps: [] };
    runs.push(trace);
    const onStats = (s: ShampooStats) => {
      const before = trace.stats;
      trace.stats = s;
      const refreshed = Object.entries(s.blocks).some(([key, b]) => b.refreshes > (before?.blocks[key]?.refreshes ?? 0));
      if (refreshed) trace.refreshSteps.push(s.step);
    };
    return makeOptimizer(name, { lr, preconditionFrequency: config.preconditionFrequency, blockSize: config.blockSize, read: config.read, ...(name === 'shampoo' ? { onStats } : {}) });
  });
  txs.forEach((tx) => states.push(initTrainState(start, tx) as TrainState<never, TensorTree>));
  disposeTree(start);
  let stopped = false;
  try {
    for (let t = 0; t < config.steps; t++) {
      if (shouldStop()) {
        stopped = true;
        break;
      }
      for (let k = 0; k < txs.length; k++) {
        const t0 = performance.now();
        const params = states[k].params as Params;
        const lossTensor = task.loss(params);
        // A clone of p_t for the trajectory: read after the step, never while its tensor is disposed.
        const point = task.plane ? tf.clone(params.xy) : null;
        const grads = gradients(task.loss, params);
        const next = step(states[k], grads, txs[k]);
        disposeTree(grads);
        disposeTree(states[k]);
        states[k] = next as TrainState<never, TensorTree>;
        const loss = (await lossTensor.data())[0];
        lossTensor.dispose();
        runs[k].stepMs.push(performance.now() - t0);
        runs[k].losses.push(loss);
        if (point) {
          const [x, y] = await point.data();
          point.dispose();
          runs[k].path.push([x, y]);
        }
      }
      onStep(runs, t + 1);
      // Let the page paint and the asynchronous root reads arrive.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  } finally {
    states.forEach((s) => disposeTree(s));
    task.dispose();
  }
  return { runs, tensorsBefore, tensorsAfter: tf.memory().numTensors, stopped };
}
