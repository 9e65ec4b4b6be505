/**
 * `npm run bench -- workers`: where Shampoo's root computation runs, and what it costs the
 * training step. For the step benchmark's model (MLP 784-512-512-10) and a larger one
 * (MLP 784-1024-1024-10), with the wasm backend, it times the optimizer step
 * (tx.update + applyUpdates on fixed random gradients; forward/backward excluded) of:
 *   - AdamW (the baseline),
 *   - Shampoo with the inline hostRootExecutor (roots on the training thread),
 *   - Shampoo with roots on a worker pool of 1 and of 2 threads, synchronous (delay 0),
 *   - Shampoo with 2 workers pipelined: roots from step t installed at step t + f
 *     (f = preconditionFrequency), computed while the next f steps train.
 * For each: mean step time over all steps (root steps included: the amortized cost), the
 * median non-root step, the mean root step, and the mean time per root step that the
 * executor spent computing or waiting for roots (root_ms).
 * Then the root computation alone, on the root tasks of the model's first root step:
 * computeRoots inline vs on a pool of 1 and of 2 workers, the three timed in alternation
 * (so that a machine shared with other work loads them alike), medians over the rounds.
 * Writes bench-results/workers.json.
 */
import * as tf from '@tensorflow/tfjs';
import { adamw, applyUpdates, disposeTree, type GradientTransformation, type TensorTree } from '@shampoo-ts/core';
import { adamGrafting } from '@shampoo-ts/grafting';
import { computeRoots, hostRootExecutor, shampoo, type RootExecutor, type RootTask } from '@shampoo-ts/shampoo';
import { rootWorkerPool, type RootWorkerPool } from '@shampoo-ts/distributed';
import { useBackend } from '@shampoo-ts/backends';
import type { BenchSuite, SuiteContext } from '../suite.js';
import { mlp } from '../models/mlp.js';
import { initParams, parameterCount, type Model } from '../models/model.js';
import { Rng } from '../data/rng.js';
import { median } from '../lib/stats.js';
import { formatTable } from '../lib/table.js';
import { machineInfo } from '../lib/results.js';
import { writeFilesAtomically } from '../output/atomic-output.js';
import { intFlag } from '../util/flag-values.js';

export interface WorkersRow {
  model: string;
  parameters: number;
  optimizer: 'adamw' | 'shampoo';
  executor: string;
  workers: number;
  delay: number;
  steps: number;
  preconditionFrequency: number;
  /** Mean over all timed steps (root steps included). */
  step_ms_mean: number;
  /** Median over the steps without a root submission or installation. */
  step_ms_plain_median: number;
  /** Mean over the steps that submitted roots (inline/synchronous: where the roots are computed). */
  root_step_ms_mean: number | null;
  /** Mean executor time per root step (reading factors + computing or waiting + uploading). */
  root_ms_mean: number | null;
  /** step_ms_mean / AdamW's step_ms_mean on the same model. */
  vs_adamw: number | null;
}

export interface RootBatchRow {
  model: string;
  tasks: number;
  /** Largest factor side among the tasks. */
  max_n: number;
  rounds: number;
  inline_ms: number;
  pool1_ms: number;
  pool2_ms: number;
  /** inline_ms / pool2_ms. */
  speedup_2_workers: number;
}

interface Config {
  label: string;
  workers: number;
  delay: number;
  make: (pools: Map<number, RootWorkerPool>) => RootExecutor | null;
}

function randomGradients(model: Model, count: number, seed: number): TensorTree[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => {
    const tree: Record<string, Record<string, tf.Tensor>> = {};
    for (const [layer, names] of Object.entries(model.shapes)) {
      tree[layer] = {};
      for (const [name, shape] of Object.entries(names)) {
        const n = shape.reduce((a, b) => a * b, 1);
        const v = new Float32Array(n);
        for (let i = 0; i < n; i++) v[i] = 0.01 * rng.normal();
        tree[layer][name] = tf.tensor(v, [...shape]);
      }
    }
    return tree;
  });
}

function timeOptimizer(
  tx: GradientTransformation,
  model: Model,
  grads: readonly TensorTree[],
  steps: number,
  rootStep: (s: number) => boolean,
  installStep: (s: number) => boolean,
  executor: RootExecutor | null,
): { all: number[]; plain: number[]; root: number[]; rootMs: number[] } {
  let params = initParams(model, 1) as unknown as TensorTree;
  let state = tx.init(params);
  const all: number[] = [];
  const plain: number[] = [];
  const root: number[] = [];
  const rootMs: number[] = [];
  for (let s = 1; s <= steps; s++) {
    const t0 = performance.now();
    const [u, next] = tx.update(grads[s % grads.length], state, params);
    const p = applyUpdates(params, u);
    tf.tidy(() => tf.sum(leafOf(p)).dataSync()); // finish the step's work before stopping the clock
    const ms = performance.now() - t0;
    disposeTree([u, state, params]);
    state = next;
    params = p;
    all.push(ms);
    if (rootStep(s)) {
      root.push(ms);
      const t = executor?.lastTimings;
      if (t) rootMs.push(t.readMs + t.computeMs + t.uploadMs);
    } else if (!installStep(s)) plain.push(ms);
  }
  disposeTree([params, state]);
  return { all, plain, root, rootMs };
}

function leafOf(tree: TensorTree): tf.Tensor {
  let x: unknown = tree;
  while (!(x instanceof tf.Tensor)) x = Object.values(x as object)[0];
  return x;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The root tasks of the first root step of Shampoo on `model` (captured through a runner). */
function rootTasksOf(model: Model, grads: readonly TensorTree[], frequency: number, maxDim: number): RootTask[] {
  let captured: RootTask[] = [];
  const executor = hostRootExecutor({
    runner: {
      name: 'capture',
      start: (tasks: readonly RootTask[]) => {
        if (captured.length === 0) captured = tasks.map((t) => ({ ...t, factor: t.factor.slice() }));
        return computeRoots([...tasks]);
      },
      wait: (outcomes) => outcomes as ReturnType<typeof computeRoots>,
    },
  });
  const tx = shampoo({ betas: [0.9, 0.999], preconditionFrequency: frequency, maxPreconditionerDim: maxDim, rootExecutor: executor });
  timeOptimizer(tx as GradientTransformation, model, grads, frequency, () => false, () => false, null);
  return captured;
}

/** Times inline / 1 worker / 2 workers on the same tasks, in alternation. */
function timeRootBatch(tasks: RootTask[], pools: [RootWorkerPool, RootWorkerPool], rounds: number): [number[], number[], number[]] {
  const times: [number[], number[], number[]] = [[], [], []];
  const runs = [() => computeRoots(tasks), () => pools[0].run(tasks), () => pools[1].run(tasks)];
  for (let r = 0; r <= rounds; r++) {
    runs.forEach((run, i) => {
      const t = performance.now();
      run();
      if (r > 0) times[i].push(performance.now() - t); // round 0 warms up
    });
  }
  return times;
}

async function run(ctx: SuiteContext): Promise<void> {
  const quick = ctx.quick;
  const frequency = intFlag('precondition-frequency', ctx.flags['precondition-frequency'], quick ? 3 : 10, 1, 1000);
  const steps = intFlag('steps', ctx.flags.steps, quick ? 7 : 2 * frequency + 1, 2, 100000);
  const maxDim = intFlag('max-preconditioner-dim', ctx.flags['max-preconditioner-dim'], quick ? 64 : 256, 1, 8192);
  const models = quick ? [mlp([64, 32, 10])] : [mlp([784, 512, 512, 10]), mlp([784, 1024, 1024, 10])];
  const info = await useBackend('wasm');
  ctx.log(`workers: backend ${info.name}, steps ${steps}, preconditionFrequency ${frequency}, maxPreconditionerDim ${maxDim}`);

  const pools = new Map<number, RootWorkerPool>();
  const poolOf = (n: number): RootWorkerPool => {
    let p = pools.get(n);
    if (!p) {
      p = rootWorkerPool({ workers: n });
      p.ready();
      pools.set(n, p);
    }
    return p;
  };
  const configs: Config[] = [
    { label: 'adamw', workers: 0, delay: 0, make: () => null },
    { label: 'inline (host-float64)', workers: 0, delay: 0, make: () => hostRootExecutor() },
    { label: 'pool, synchronous', workers: 1, delay: 0, make: () => hostRootExecutor({ runner: poolOf(1) }) },
    { label: 'pool, synchronous', workers: 2, delay: 0, make: () => hostRootExecutor({ runner: poolOf(2) }) },
    { label: 'pool, pipelined', workers: 2, delay: frequency, make: () => hostRootExecutor({ runner: poolOf(2), delay: frequency }) },
  ];
  const rows: WorkersRow[] = [];
  const rootRows: RootBatchRow[] = [];
  const rounds = quick ? 1 : 5;
  try {
    for (const model of models) {
      const grads = randomGradients(model, 4, 7);
      let adamMs: number | null = null;
      for (const c of configs) {
        const executor = c.make(pools);
        const tx =
          executor === null
            ? adamw({ learningRate: 1e-3, b1: 0.9, b2: 0.999, eps: 1e-8, weightDecay: 1e-4 })
            : shampoo({
                lr: 1e-3,
                betas: [0.9, 0.999],
                weightDecay: 1e-4,
                preconditionFrequency: frequency,
                maxPreconditionerDim: maxDim,
                grafting: adamGrafting({ beta2: 0.999, epsilon: 1e-8 }),
                rootExecutor: executor,
              });
        const isRoot = (s: number) => executor !== null && s % frequency === 0;
        const isInstall = (s: number) => executor !== null && c.delay > 0 && s > c.delay && (s - c.delay) % frequency === 0;
        const t = timeOptimizer(tx as GradientTransformation, model, grads, steps, isRoot, isInstall, executor);
        const stepMean = mean(t.all.slice(1));
        if (executor === null) adamMs = stepMean;
        const row: WorkersRow = {
          model: model.name,
          parameters: parameterCount(model),
          optimizer: executor === null ? 'adamw' : 'shampoo',
          executor: executor === null ? '-' : `${c.label}${c.delay > 0 ? ` (delay ${c.delay})` : ''}`,
          workers: c.workers,
          delay: c.delay,
          steps,
          preconditionFrequency: frequency,
          step_ms_mean: stepMean,
          step_ms_plain_median: median(t.plain.slice(1)),
          root_step_ms_mean: t.root.length ? mean(t.root) : null,
          root_ms_mean: t.rootMs.length ? mean(t.rootMs) : null,
          vs_adamw: executor === null || adamMs === null ? null : stepMean / adamMs,
        };
        rows.push(row);
        ctx.log(`  ${model.name} ${row.optimizer} ${row.executor} workers=${row.workers}: ${row.step_ms_mean.toFixed(1)} ms/step`);
      }
      const tasks = rootTasksOf(model, grads, frequency, maxDim);
      const [inline, one, two] = timeRootBatch(tasks, [poolOf(1), poolOf(2)], rounds);
      rootRows.push({
        model: model.name,
        tasks: tasks.length,
        max_n: Math.max(...tasks.map((t) => t.n)),
        rounds,
        inline_ms: median(inline),
        pool1_ms: median(one),
        pool2_ms: median(two),
        speedup_2_workers: median(inline) / median(two),
      });
      disposeTree(grads);
    }
  } finally {
    await Promise.all([...pools.values()].map((p) => p.close()));
  }
  ctx.log(
    formatTable(
      ['model', 'optimizer', 'roots computed', 'workers', 'step ms (mean)', 'plain step ms', 'root step ms', 'root ms', 'x AdamW'],
      rows.map((r) => [r.model, r.optimizer, r.executor, r.workers, r.step_ms_mean, r.step_ms_plain_median, r.root_step_ms_mean, r.root_ms_mean, r.vs_adamw]),
    ),
  );
  ctx.log('');
  ctx.log(
    formatTable(
      ['model', 'root tasks', 'max n', 'inline ms', '1 worker ms', '2 workers ms', 'speedup (2 workers)'],
      rootRows.map((r) => [r.model, r.tasks, r.max_n, r.inline_ms, r.pool1_ms, r.pool2_ms, r.speedup_2_workers]),
    ),
  );
  writeFilesAtomically(ctx.outDir, {
    'workers.json': JSON.stringify({ suite: 'workers', machine: machineInfo(), backend: info.name, rows, rootBatches: rootRows }, null, 2),
  });
  ctx.log(`wrote ${ctx.outDir}/workers.json`);
}

export const suite: BenchSuite = {
  flags: {
    steps: { type: 'string', description: 'optimizer steps per configuration (default 2 x frequency + 1; quick: 7)' },
    'precondition-frequency': { type: 'string', description: 'Shampoo root every N steps, also the pipeline delay (default 10; quick: 3)' },
    'max-preconditioner-dim': { type: 'string', description: 'Shampoo block side (default 256, as the demo; quick: 64)' },
  },
  run,
};
