/**
 * A benchmark suite built on the time-to-target protocol (train/protocol.ts): the flags,
 * the quick mode, the tables and the files are the same for every task; a task only
 * supplies its model, data and defaults. Used by the `mnist`, `lm`, `transformer` and
 * `autoencoder` suites. Every run compares all of OPTIMIZER_NAMES (AdamW, Shampoo, SOAP,
 * Muon, tf.train.adam) under one schedule: warmup + cosine (the default) or constant.
 */
import { useBackend, BACKEND_NAMES } from '@shampoo-ts/backends';
import type { BenchSuite, FlagSpec, SuiteContext } from '../suite.js';
import type { Examples } from '../data/dataset.js';
import type { Model } from '../models/model.js';
import { runProtocol, type ProtocolOptions } from './protocol.js';
import { OPTIMIZER_NAMES } from './optimizers.js';
import { protocolFiles, protocolTables } from '../output/protocol-report.js';
import { writeFilesAtomically } from '../output/atomic-output.js';
import { machineInfo } from '../lib/results.js';
import { choiceFlag, intFlag, numberListFlag, positiveFlag } from '../util/flag-values.js';

/** Settings of a protocol run that have a default and a quick default. */
export interface ProtocolDefaults {
  readonly steps: number;
  readonly batchSize: number;
  readonly seeds: number;
  /** The initial half-decade grid (train/lr-grid.ts; widened past an edge as needed). */
  readonly lrs: readonly number[];
  /** A fixed target; default: from AdamW's seed runs. */
  readonly targetLoss?: number;
  /** Interleaved rounds of the step-time measurement (default: the protocol's). */
  readonly timingRounds?: number;
  readonly evalEvery: number;
  readonly preconditionFrequency: number;
  readonly maxPreconditionerDim: number;
  readonly weightDecay: number;
}

export interface ProtocolTask {
  readonly model: Model;
  readonly train: Examples;
  readonly test: Examples;
  /** Described in the JSON (source, sizes). */
  readonly data: object;
}

export interface ProtocolSuiteSpec {
  readonly name: string;
  readonly title: string;
  readonly defaults: ProtocolDefaults;
  readonly quick: ProtocolDefaults;
  /** The task's own flags (e.g. the transformer's --fused-qkv), passed to `task`. */
  readonly flags?: Readonly<Record<string, FlagSpec>>;
  readonly task: (quick: boolean, flags: SuiteContext['flags']) => ProtocolTask;
}

/** A protocol suite, with its spec (the ablation suite reuses its task and defaults). */
export interface ProtocolBenchSuite extends BenchSuite {
  readonly protocol: ProtocolSuiteSpec;
}

/** The BenchSuite of a protocol task (see the module comment). */
export function protocolSuite(spec: ProtocolSuiteSpec): ProtocolBenchSuite {
  const d = spec.defaults;
  const q = spec.quick;
  const both = (full: unknown, quick: unknown) => `(default ${full}; quick ${quick})`;
  async function run(ctx: SuiteContext): Promise<void> {
    const f = ctx.flags;
    const s = ctx.quick ? q : d;
    const backendName = choiceFlag('backend', f.backend, 'wasm', BACKEND_NAMES);
    const steps = intFlag('steps', f.steps, s.steps);
    const batchSize = intFlag('batch-size', f['batch-size'], s.batchSize, 1, 100000);
    const seedCount = intFlag('seeds', f.seeds, s.seeds, 1, 100);
    const lrGrid = numberListFlag('lrs', f.lrs, s.lrs);
    const targetLoss = f['target-loss'] === undefined ? s.targetLoss : positiveFlag('target-loss', f['target-loss'], 1);
    const maxWidenings = intFlag('max-widenings', f['max-widenings'], 3, 0, 20);
    const evalEvery = intFlag('eval-every', f['eval-every'], s.evalEvery);
    const preconditionFrequency = intFlag('precondition-frequency', f['precondition-frequency'], s.preconditionFrequency);
    const maxPreconditionerDim = intFlag('max-preconditioner-dim', f['max-preconditioner-dim'], s.maxPreconditionerDim, 1, 8192);
    const schedule = choiceFlag('schedule', f.schedule, 'cosine', ['constant', 'cosine'] as const);
    const warmupSteps = f['warmup-steps'] === undefined ? undefined : intFlag('warmup-steps', f['warmup-steps'], 0, 0, steps - 1);
    const backend = await useBackend(backendName);
    const machine = machineInfo();
    ctx.log(`${spec.name} benchmark${ctx.quick ? ' (quick)' : ''} on ${backend.name}: ${machine.cpu}, ${machine.cores} cores, load average ${machine.loadAverage.join(' ')}`);
    const task = spec.task(ctx.quick, f);
    if (batchSize > task.train.size) throw new RangeError(`--batch-size = ${batchSize} is not allowed; allowed: an integer in [1, ${task.train.size}]`);
    const o: ProtocolOptions = {
      model: task.model,
      train: task.train,
      test: task.test,
      optimizers: OPTIMIZER_NAMES,
      baseline: 'adamw',
      lrGrid,
      tuneSeed: 0,
      seeds: Array.from({ length: seedCount }, (_, i) => i + 1),
      steps,
      batchSize,
      evalEvery,
      ...(targetLoss === undefined ? {} : { targetLoss }),
      maxWidenings,
      ...(s.timingRounds === undefined ? {} : { timingRounds: s.timingRounds }),
      ...(warmupSteps === undefined ? {} : { warmupSteps }),
      weightDecay: s.weightDecay,
      preconditionFrequency,
      maxPreconditionerDim,
      stopAtTarget: f['stop-at-target'] === true,
      schedule,
      progress: process.stderr,
      log: ctx.log,
    };
    ctx.log(`model: ${task.model.description}; ${steps} steps of ${batchSize}; target test loss ${targetLoss ?? "from AdamW's seed runs"}; ${schedule} learning rate`);
    const result = await runProtocol(o);
    ctx.log('');
    ctx.log(protocolTables(o, result));
    const command = `npm run bench -- ${spec.name} ${process.argv.slice(3).join(' ')}`.trim();
    const files = protocolFiles(spec.name, spec.title, command, o, result, { backend, data: task.data, quick: ctx.quick, machineAtStart: machine });
    const paths = writeFilesAtomically(ctx.outDir, files);
    ctx.log(`\nwrote ${paths.join(', ')}`);
  }
  return {
    flags: {
      ...spec.flags,
      backend: { type: 'string', description: `tfjs backend: ${BACKEND_NAMES.join(', ')} (default wasm)` },
      steps: { type: 'string', description: `step budget per run ${both(d.steps, q.steps)}` },
      'batch-size': { type: 'string', description: `examples per step ${both(d.batchSize, q.batchSize)}` },
      seeds: { type: 'string', description: `number of evaluation seeds 1..N ${both(d.seeds, q.seeds)}` },
      lrs: { type: 'string', description: `learning-rate grid, comma-separated ${both(d.lrs.join(','), q.lrs.join(','))}` },
      'target-loss': { type: 'string', description: "target test loss (default: the worst final test loss of AdamW's seed runs, fixed before the others run)" },
      'max-widenings': { type: 'string', description: 'times the lr grid may widen by a half-decade past an edge holding a best lr (default 3)' },
      'warmup-steps': { type: 'string', description: 'linear warmup of the cosine schedule (default 5% of --steps)' },
      'eval-every': { type: 'string', description: `evaluate every N steps ${both(d.evalEvery, q.evalEvery)}` },
      'precondition-frequency': { type: 'string', description: `Shampoo root interval ${both(d.preconditionFrequency, q.preconditionFrequency)}` },
      'max-preconditioner-dim': { type: 'string', description: `Shampoo block size ${both(d.maxPreconditionerDim, q.maxPreconditionerDim)}` },
      'stop-at-target': { type: 'boolean', description: "seed runs of the optimizers other than AdamW stop at the target (faster; their 'final' loss is then the loss at the stop)" },
      schedule: { type: 'string', description: "learning rate of every optimizer: 'cosine' (default: linear warmup, then cosine decay to 0 at --steps) or 'constant'" },
    },
    run,
    protocol: spec,
  };
}
