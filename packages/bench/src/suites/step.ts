/**
 * `npm run bench -- step`: one training step (forward + backward + optimizer update +
 * reading the loss) of Shampoo (Adam grafting, preconditionFrequency 100, roots
 * amortized) against AdamW, side by side in one run on one backend (wasm by default).
 *
 * Per case (MLP 784-512-512-10 at batch 128 and 1024, the demo's convnet at the demo's
 * batch, and block-size variants) it reports:
 *   adamw_ms, shampoo_ms   median full step; Shampoo's adds root_step_ms / frequency, the
 *                          extra time of the root step, measured at the first root step
 *   ratio                  shampoo_ms / adamw_ms
 *   flop_bound             (model FLOPs + Shampoo FLOPs) / model FLOPs (train/flops.ts)
 *   state bytes            optimizer state of each
 *   breakdown              Shampoo's optimizer update (no forward/backward) by ablation,
 *                          on a fixed gradient, medians:
 *     grafting             = Adam grafting alone (scaleByGrafting + learning rate)
 *     factor_updates       = Shampoo with startPreconditioningStep = Infinity - grafting
 *                            (factor updates, blocking, filtered gradient)
 *     preconditioning      = Shampoo after start (no root step) - the above
 *     roots_amortized      = root_step_ms / preconditionFrequency
 *     tfjs_op_overhead     = kernels launched per update x the dispatch cost of a trivial
 *                            kernel (an estimate of the part of the above spent outside
 *                            arithmetic, not an extra term)
 *   adapter_ms             the same Shampoo step through @shampoo-ts/tfjs's
 *                          tf.train.Optimizer (optimizer.minimize over tf.Variables)
 * Contenders are timed interleaved (one step of each in turn, medians), so that a
 * change in the machine's load hits all of them alike.
 * Writes <out>/step.json and <out>/step.svg (measured ratio against the FLOP bound).
 */
import * as tf from '@tensorflow/tfjs';
import { chain, disposeTree, initTrainState, scaleByLearningRate, step, valueAndGrad, type GradientTransformation, type TrainState } from '@shampoo-ts/core';
import { adamGrafting, scaleByGrafting } from '@shampoo-ts/grafting';
import { deviceRootExecutor, hostRootExecutor, shampoo } from '@shampoo-ts/shampoo';
import { TransformOptimizer } from '@shampoo-ts/tfjs';
import { useBackend, BACKEND_NAMES, type BackendInfo } from '@shampoo-ts/backends';
import type { BenchSuite, SuiteContext } from '../suite.js';
import { loadMnist } from '../data/mnist.js';
import type { Batch, Dataset } from '../data/dataset.js';
import { convnet } from '../models/convnet.js';
import { mlp } from '../models/mlp.js';
import { initParams, modelLoss, trainingFlopsPerStep, type Model, type Params } from '../models/model.js';
import { DEMO_DEFAULTS } from '../demo/config.js';
import { makeTransform, shampooOptions, type OptimizerSpec } from '../train/optimizers.js';
import { transformLearnerFrom } from '../train/learner.js';
import { shampooFlops } from '../train/flops.js';
import { stateBytes } from '../train/state-bytes.js';
import { timedRootExecutor } from '../train/timed-root-executor.js';
import { median, timeRuns } from '../lib/stats.js';
import { formatTable } from '../lib/table.js';
import { machineInfo } from '../lib/results.js';
import { lineChart } from '../lib/svg.js';
import { writeFilesAtomically } from '../output/atomic-output.js';
import { formatBytes } from '../output/format-bytes.js';
import { choiceFlag, intFlag } from '../util/flag-values.js';

export interface StepCase {
  readonly name: string;
  readonly model: Model;
  readonly batchSize: number;
  readonly maxPreconditionerDim: number;
  /** A knob variant of a main case (reported in the knobs table). */
  readonly knob: boolean;
}

export interface StepBreakdown {
  grafting_ms: number;
  factor_updates_ms: number;
  preconditioning_ms: number;
  roots_amortized_ms: number;
  tfjs_op_overhead_ms: number;
  adamw_update_ms: number;
  shampoo_update_ms: number;
  kernels_per_shampoo_update: number;
  kernels_per_adamw_update: number;
  dispatch_us_per_kernel: number;
}

export interface StepRow {
  case: string;
  model: string;
  batch: number;
  max_preconditioner_dim: number;
  precondition_frequency: number;
  fwd_bwd_ms: number;
  adamw_ms: number;
  shampoo_ms: number;
  shampoo_nonroot_ms: number;
  root_step_ms: number;
  ratio: number;
  flop_bound: number;
  ratio_over_bound: number;
  model_gflop: number;
  shampoo_gflop: number;
  adamw_state_bytes: number;
  shampoo_state_bytes: number;
  adapter_ms: number;
  breakdown: StepBreakdown;
  runs: number;
}

const FREQUENCY = 100;

function cases(quick: boolean): StepCase[] {
  if (quick) {
    return [
      { name: 'mlp-b16 (quick)', model: mlp([784, 32, 10]), batchSize: 16, maxPreconditionerDim: 1024, knob: false },
      { name: 'convnet-b8 (quick)', model: convnet(4, 8), batchSize: 8, maxPreconditionerDim: 64, knob: false },
    ];
  }
  const m = mlp();
  const c = convnet();
  const demoDim = DEMO_DEFAULTS.maxPreconditionerDim;
  return [
    { name: 'mlp-b128', model: m, batchSize: 128, maxPreconditionerDim: 1024, knob: false },
    { name: 'mlp-b1024', model: m, batchSize: 1024, maxPreconditionerDim: 1024, knob: false },
    { name: 'convnet', model: c, batchSize: DEMO_DEFAULTS.batchSize, maxPreconditionerDim: demoDim, knob: false },
    ...[512, 256, 128].map((d) => ({ name: `mlp-b128 block ${d}`, model: m, batchSize: 128, maxPreconditionerDim: d, knob: true })),
    ...[1024, 128].filter((d) => d !== demoDim).map((d) => ({ name: `convnet block ${d}`, model: c, batchSize: DEMO_DEFAULTS.batchSize, maxPreconditionerDim: d, knob: true })),
  ];
}

/**
 * Medians of `runs` rounds in which every function runs once, in turn (after `warm`
 * untimed rounds). Interleaving gives every contender the same share of a machine
 * whose load changes over time (the cores are shared), which timing one after the other
 * does not.
 */
async function interleaved(fns: readonly (() => unknown)[], runs: number, warm: number): Promise<number[]> {
  const times = fns.map(() => [] as number[]);
  for (let r = 0; r < warm + runs; r++) {
    for (let i = 0; i < fns.length; i++) {
      const t = performance.now();
      await fns[i]();
      if (r >= warm) times[i].push(performance.now() - t);
    }
  }
  return times.map(median);
}

/** Keeps a train state and advances it by update-only steps on a fixed gradient. */
class UpdateLoop {
  constructor(
    public state: TrainState,
    readonly tx: GradientTransformation,
    readonly grads: Params,
  ) {}

  advance(): void {
    const next = step(this.state, this.grads, this.tx);
    disposeTree(this.state);
    this.state = next;
  }

  /** Kernels launched by one update step (tf.profile). */
  async kernels(): Promise<number> {
    const info = await tf.profile(() => this.advance());
    return info.kernels.length;
  }
}

/**
 * Cost of dispatching one trivial kernel (a 1-element add and its dispose), microseconds:
 * the median of 7 rounds of 2,000 after 3 untimed rounds (the JIT needs them: the first
 * rounds are 10-30x slower).
 */
function dispatchMicros(): number {
  const a = tf.scalar(1);
  const b = tf.scalar(2);
  const n = 2000;
  const t = timeRuns(() => {
    for (let i = 0; i < n; i++) tf.add(a, b).dispose();
  }, 7, 3);
  tf.dispose([a, b]);
  return (t.medianMs * 1000) / n;
}

async function measureCase(c: StepCase, train: Dataset, backend: BackendInfo, frequency: number, runs: number, dispatchUs: number): Promise<StepRow> {
  const { model } = c;
  const params = initParams(model, 1);
  const batch = train.batch(Int32Array.from({ length: c.batchSize }, (_, i) => i));
  const small = train.batch(Int32Array.from({ length: 8 }, (_, i) => i));
  const warm = 2;
  const spec: OptimizerSpec = {
    name: 'shampoo', lr: 1e-3, weightDecay: 1e-4, preconditionFrequency: frequency, maxPreconditionerDim: c.maxPreconditionerDim,
  };
  const executorFor = () => timedRootExecutor(backend.rootExecutor === 'device-float32' ? deviceRootExecutor() : hostRootExecutor());
  const fixed = valueAndGrad((p: Params) => modelLoss(model, p, batch.x, batch.y), params);
  fixed.loss.dispose();
  const g0 = fixed.grads;
  try {
    // Update-only loops: AdamW, Shampoo (brought to its first root step, step ==
    // frequency, whose cost is timed alone), Shampoo that never preconditions, grafting alone.
    const adamwTx = makeTransform({ ...spec, name: 'adamw' });
    const adamLoop = new UpdateLoop(initTrainState(params, adamwTx), adamwTx, g0);
    const executor = executorFor();
    const shTx = shampoo({ ...shampooOptions(spec), rootExecutor: executor }) as GradientTransformation;
    const shLoop = new UpdateLoop(initTrainState(params, shTx), shTx, g0);
    for (let k = 1; k < frequency; k++) shLoop.advance();
    executor.reset();
    shLoop.advance();
    if (executor.submissions !== 1) throw new Error(`step: expected one root step at step ${frequency}, saw ${executor.submissions}`);
    const rootStepMs = executor.totalMs;
    executor.reset();
    const noPreTx = shampoo({ ...shampooOptions(spec), startPreconditioningStep: Infinity }) as GradientTransformation;
    const noPre = new UpdateLoop(initTrainState(params, noPreTx), noPreTx, g0);
    const graftTx = chain(scaleByGrafting(adamGrafting({ beta2: 0.999, epsilon: 1e-8 })), scaleByLearningRate(1e-3)) as GradientTransformation;
    const graft = new UpdateLoop(initTrainState(params, graftTx), graftTx, g0);
    const loops = [adamLoop, shLoop, noPre, graft];
    const [adamwUpdateMs, shUpdateMs, noPreMs, graftMs] = await interleaved(loops.map((l) => () => l.advance()), runs, warm);
    const adamKernels = await adamLoop.kernels();
    const shKernels = await shLoop.kernels();
    const adamwBytes = stateBytes(adamLoop.state.optState);
    const shBytes = stateBytes(shLoop.state.optState);
    disposeTree([noPre.state, graft.state]);

    // The same Shampoo step through the tf.train.Optimizer adapter, brought past its
    // first root step on a small batch (the optimizer's cost does not depend on the batch).
    const adapterExecutor = executorFor();
    const optimizer = new TransformOptimizer(shampoo({ ...shampooOptions(spec), rootExecutor: adapterExecutor }) as GradientTransformation);
    const vars = Object.fromEntries(
      Object.entries(params).map(([layer, names]) => [layer, Object.fromEntries(Object.entries(names).map(([n, t]) => [n, tf.variable(t, true)]))]),
    ) as Params;
    const minimize = (b: Batch) => optimizer.minimize(() => modelLoss(model, vars, b.x, b.y), true) as tf.Scalar;
    for (let k = 0; k < frequency + 1; k++) minimize(small).dispose();

    // Full steps, interleaved: forward + backward alone, AdamW, Shampoo, Shampoo via tf.train.
    const adamLearner = transformLearnerFrom(model, adamLoop.state, adamwTx);
    const shLearner = transformLearnerFrom(model, shLoop.state, shTx);
    const [fwdBwd, adamwMs, shNonRootMs, adapterNonRootMs] = await interleaved(
      [
        () => {
          const r = valueAndGrad((p: Params) => modelLoss(model, p, batch.x, batch.y), params);
          r.loss.dataSync();
          r.loss.dispose();
          disposeTree(r.grads);
        },
        () => adamLearner.step(batch),
        () => shLearner.step(batch),
        () => {
          const loss = minimize(batch);
          loss.dataSync();
          loss.dispose();
        },
      ],
      runs,
      warm,
    );
    adamLearner.dispose();
    shLearner.dispose();
    optimizer.dispose();
    disposeTree(vars);
    if ((executor.submissions as number) !== 0 || adapterExecutor.submissions !== 1) {
      throw new Error('step: a root step fell inside the timed steps; use fewer --runs');
    }
    const shampooMs = shNonRootMs + rootStepMs / frequency;
    const adapterMs = adapterNonRootMs + rootStepMs / frequency;

    const modelFlops = trainingFlopsPerStep(model, c.batchSize);
    const extraFlops = shampooFlops(model, c.maxPreconditionerDim);
    const flopBound = (modelFlops + extraFlops) / modelFlops;
    const ratio = shampooMs / adamwMs;
    return {
      case: c.name,
      model: model.description,
      batch: c.batchSize,
      max_preconditioner_dim: c.maxPreconditionerDim,
      precondition_frequency: frequency,
      fwd_bwd_ms: fwdBwd,
      adamw_ms: adamwMs,
      shampoo_ms: shampooMs,
      shampoo_nonroot_ms: shNonRootMs,
      root_step_ms: rootStepMs,
      ratio,
      flop_bound: flopBound,
      ratio_over_bound: ratio / flopBound,
      model_gflop: modelFlops / 1e9,
      shampoo_gflop: extraFlops / 1e9,
      adamw_state_bytes: adamwBytes,
      shampoo_state_bytes: shBytes,
      adapter_ms: adapterMs,
      breakdown: {
        grafting_ms: graftMs,
        factor_updates_ms: noPreMs - graftMs,
        preconditioning_ms: shUpdateMs - noPreMs,
        roots_amortized_ms: rootStepMs / frequency,
        tfjs_op_overhead_ms: (shKernels * dispatchUs) / 1000,
        adamw_update_ms: adamwUpdateMs,
        shampoo_update_ms: shUpdateMs,
        kernels_per_shampoo_update: shKernels,
        kernels_per_adamw_update: adamKernels,
        dispatch_us_per_kernel: dispatchUs,
      },
      runs,
    };
  } finally {
    disposeTree(g0);
    tf.dispose([batch.x, batch.y, small.x, small.y]);
    disposeTree(params);
  }
}

function tables(rows: readonly StepRow[]): string {
  const main = formatTable(
    ['case', 'batch', 'block', 'fwd+bwd ms', 'AdamW ms', 'Shampoo ms', 'ratio', 'flop_bound', 'ratio/bound', 'AdamW state', 'Shampoo state', 'via tf.train ms'],
    rows.map((r) => [
      r.case, r.batch, r.max_preconditioner_dim, r.fwd_bwd_ms, r.adamw_ms, r.shampoo_ms, r.ratio, r.flop_bound, r.ratio_over_bound,
      formatBytes(r.adamw_state_bytes), formatBytes(r.shampoo_state_bytes), r.adapter_ms,
    ]),
  );
  const breakdown = formatTable(
    ['case', 'AdamW update', 'Shampoo update', 'grafting', 'factor updates', 'preconditioning', 'roots (amortized)', 'root step', 'tfjs op overhead', 'kernels (Sh/Adam)'],
    rows.map((r) => {
      const b = r.breakdown;
      return [
        r.case, b.adamw_update_ms, b.shampoo_update_ms, b.grafting_ms, b.factor_updates_ms, b.preconditioning_ms, b.roots_amortized_ms, r.root_step_ms,
        b.tfjs_op_overhead_ms, `${b.kernels_per_shampoo_update}/${b.kernels_per_adamw_update}`,
      ];
    }),
  );
  return [
    `full training step (forward + backward + update + loss read), medians; Shampoo includes root_step / ${rows[0]?.precondition_frequency}:`,
    main,
    '',
    'optimizer update only (fixed gradient, no forward/backward), ms, medians; tfjs op overhead = kernels x dispatch cost (part of the others):',
    breakdown,
  ].join('\n');
}

async function run(ctx: SuiteContext): Promise<void> {
  const backendName = choiceFlag('backend', ctx.flags.backend, 'wasm', BACKEND_NAMES);
  const frequency = intFlag('precondition-frequency', ctx.flags['precondition-frequency'], ctx.quick ? 10 : FREQUENCY, 2, 100000);
  const runs = intFlag('runs', ctx.flags.runs, ctx.quick ? 2 : 15, 1, 1000);
  const only = typeof ctx.flags.cases === 'string' ? ctx.flags.cases.split(',').map((s) => s.trim()) : null;
  if (2 * (runs + 2) + 1 >= frequency) {
    throw new RangeError(`--runs = ${runs} is not allowed with --precondition-frequency ${frequency}; allowed: 2 (runs + 2) + 1 < frequency, so that no root step falls inside the timed steps`);
  }
  const backend = await useBackend(backendName);
  const machine = machineInfo();
  ctx.log(`step benchmark${ctx.quick ? ' (quick)' : ''} on ${backend.name}: ${machine.cpu}, ${machine.cores} cores, load average ${machine.loadAverage.join(' ')}`);
  const { train } = loadMnist();
  const dispatchUs = dispatchMicros();
  const rows: StepRow[] = [];
  for (const c of cases(ctx.quick).filter((x) => only === null || only.includes(x.name))) {
    const row = await measureCase(c, train, backend, frequency, runs, dispatchUs);
    const b = row.breakdown;
    ctx.log(
      `  ${c.name}: AdamW ${row.adamw_ms.toFixed(1)} ms, Shampoo ${row.shampoo_ms.toFixed(1)} ms, ratio ${row.ratio.toFixed(3)} (flop bound ${row.flop_bound.toFixed(3)}, ` +
        `ratio/bound ${row.ratio_over_bound.toFixed(3)}); kernels per update ${b.kernels_per_shampoo_update} / AdamW ${b.kernels_per_adamw_update} = ${(b.kernels_per_shampoo_update / b.kernels_per_adamw_update).toFixed(2)}x`,
    );
    rows.push(row);
  }
  if (rows.length === 0) throw new RangeError(`--cases = ${JSON.stringify(ctx.flags.cases)} matched no case; allowed: ${cases(ctx.quick).map((c) => c.name).join(', ')}`);
  ctx.log('');
  ctx.log(tables(rows));
  const sorted = [...rows].sort((a, b) => a.flop_bound - b.flop_bound);
  const plot = lineChart({
    title: `Shampoo / AdamW step time vs FLOP bound (${backend.name})`,
    xLabel: 'flop_bound = (model + Shampoo FLOPs) / model FLOPs',
    yLabel: 'measured step-time ratio',
    series: [
      { name: 'measured', points: sorted.map((r) => [r.flop_bound, r.ratio] as const) },
      { name: 'ratio = bound', points: sorted.map((r) => [r.flop_bound, r.flop_bound] as const) },
    ],
    logX: true,
    logY: true,
  });
  const json = {
    suite: 'step',
    command: `npm run bench -- step ${process.argv.slice(3).join(' ')}`.trim(),
    machine,
    machineAtEnd: machineInfo(),
    backend,
    quick: ctx.quick,
    shampoo: { ...shampooOptions({ name: 'shampoo', lr: 1e-3, weightDecay: 1e-4, preconditionFrequency: frequency, maxPreconditionerDim: 1024 }), rootExecutor: backend.rootExecutor, grafting: 'adam(beta2 0.999, eps 1e-8)' },
    rows,
  };
  const paths = writeFilesAtomically(ctx.outDir, { 'step.json': JSON.stringify(json, null, 1) + '\n', 'step.svg': plot });
  ctx.log(`\nwrote ${paths.join(', ')}`);
}

export const suite: BenchSuite = {
  flags: {
    backend: { type: 'string', description: `tfjs backend: ${BACKEND_NAMES.join(', ')} (default wasm)` },
    'precondition-frequency': { type: 'string', description: `Shampoo root interval (default ${FREQUENCY}; quick 10)` },
    runs: { type: 'string', description: 'timed steps per measurement, medians reported (default 15; quick 2)' },
    cases: { type: 'string', description: 'comma-separated case names to run (default: all)' },
  },
  run,
};
