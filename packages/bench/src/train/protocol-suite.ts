/**
 * A benchmark suite built on the time-to-target protocol (train/protocol.ts): the flags,
 * the quick mode, the tables and the files are the same for every task; a task only
 * supplies its model, data and defaults. Used by the `mnist` and `lm` suites.
 */
import { useBackend, BACKEND_NAMES } from '@shampoo-ts/backends';
import type { BenchSuite, SuiteContext } from '../suite.js';
import type { Examples } from '../data/dataset.js';
import type { Model } from '../models/model.js';
import { runProtocol, type ProtocolOptions } from './protocol.js';
import { protocolFiles, protocolTables } from '../output/protocol-report.js';
import { writeFilesAtomically } from '../output/atomic-output.js';
import { machineInfo } from '../lib/results.js';
import { choiceFlag, intFlag, numberListFlag, positiveFlag } from '../util/flag-values.js';

/** Settings of a protocol run that have a default and a quick default. */
export interface ProtocolDefaults {
  readonly steps: number;
  readonly batchSize: number;
  readonly seeds: number;
  readonly lrs: readonly number[];
  readonly targetLoss: number;
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
  readonly task: (quick: boolean) => ProtocolTask;
}

export function protocolSuite(spec: ProtocolSuiteSpec): BenchSuite {
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
    const targetLoss = positiveFlag('target-loss', f['target-loss'], s.targetLoss);
    const evalEvery = intFlag('eval-every', f['eval-every'], s.evalEvery);
    const preconditionFrequency = intFlag('precondition-frequency', f['precondition-frequency'], s.preconditionFrequency);
    const maxPreconditionerDim = intFlag('max-preconditioner-dim', f['max-preconditioner-dim'], s.maxPreconditionerDim, 1, 8192);
    const schedule = choiceFlag('schedule', f.schedule, 'constant', ['constant', 'cosine'] as const);
    const backend = await useBackend(backendName);
    const machine = machineInfo();
    ctx.log(`${spec.name} benchmark${ctx.quick ? ' (quick)' : ''} on ${backend.name}: ${machine.cpu}, ${machine.cores} cores, load average ${machine.loadAverage.join(' ')}`);
    const task = spec.task(ctx.quick);
    if (batchSize > task.train.size) throw new RangeError(`--batch-size = ${batchSize} is not allowed; allowed: an integer in [1, ${task.train.size}]`);
    const o: ProtocolOptions = {
      model: task.model,
      train: task.train,
      test: task.test,
      // tfjs's own Adam takes no schedule, so it only runs with a constant learning rate.
      optimizers: schedule === 'cosine' ? ['adamw', 'shampoo'] : ['adamw', 'shampoo', 'tf.train.adam'],
      baseline: 'adamw',
      lrGrid,
      tuneSeed: 0,
      seeds: Array.from({ length: seedCount }, (_, i) => i + 1),
      steps,
      batchSize,
      evalEvery,
      targetLoss,
      weightDecay: s.weightDecay,
      preconditionFrequency,
      maxPreconditionerDim,
      stopAtTarget: f['full-curves'] !== true,
      schedule,
      progress: process.stderr,
      log: ctx.log,
    };
    ctx.log(`model: ${task.model.description}; ${steps} steps of ${batchSize}; target test loss ${targetLoss}; ${schedule} learning rate`);
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
      backend: { type: 'string', description: `tfjs backend: ${BACKEND_NAMES.join(', ')} (default wasm)` },
      steps: { type: 'string', description: `step budget per run ${both(d.steps, q.steps)}` },
      'batch-size': { type: 'string', description: `examples per step ${both(d.batchSize, q.batchSize)}` },
      seeds: { type: 'string', description: `number of evaluation seeds 1..N ${both(d.seeds, q.seeds)}` },
      lrs: { type: 'string', description: `learning-rate grid, comma-separated ${both(d.lrs.join(','), q.lrs.join(','))}` },
      'target-loss': { type: 'string', description: `target test loss ${both(d.targetLoss, q.targetLoss)}` },
      'eval-every': { type: 'string', description: `evaluate every N steps ${both(d.evalEvery, q.evalEvery)}` },
      'precondition-frequency': { type: 'string', description: `Shampoo root interval ${both(d.preconditionFrequency, q.preconditionFrequency)}` },
      'max-preconditioner-dim': { type: 'string', description: `Shampoo block size ${both(d.maxPreconditionerDim, q.maxPreconditionerDim)}` },
      'full-curves': { type: 'boolean', description: 'seed runs use the whole budget instead of stopping at the target' },
      schedule: { type: 'string', description: "learning rate: 'constant' (default) or 'cosine' (decay to 0 over --steps; AdamW and Shampoo only)" },
    },
    run,
  };
}
