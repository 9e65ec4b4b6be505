/**
 * `npm run bench -- ablation [--workload NAME]`: Shampoo's options one at a time from the
 * bench's default (train/ablation-variants.ts), on a workload of the time-to-target suites
 * (mnist, lm, transformer, autoencoder: their task, data and defaults, reused from the
 * suite's protocol spec), one seed at one lr, with AdamW as the reference row
 * (train/ablation.ts). Prints a table and writes <out>/ablation.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useBackend, BACKEND_NAMES } from '@shampoo-ts/backends';
import type { BenchSuite, SuiteContext } from '../suite.js';
import { SUITES } from '../registry.js';
import type { ProtocolBenchSuite, ProtocolSuiteSpec } from '../train/protocol-suite.js';
import { ablationVariants, selectVariants } from '../train/ablation-variants.js';
import { runAblation, type AblationRow } from '../train/ablation.js';
import { formatNumber, formatTable } from '../lib/table.js';
import { machineInfo } from '../lib/results.js';
import { writeFilesAtomically } from '../output/atomic-output.js';
import { formatBytes } from '../output/format-bytes.js';
import { choiceFlag, intFlag, positiveFlag } from '../util/flag-values.js';

/** The workloads: the suites built on the protocol. */
export const ABLATION_WORKLOADS = ['autoencoder', 'mnist', 'lm', 'transformer'] as const;
export type AblationWorkload = (typeof ABLATION_WORKLOADS)[number];

/** The protocol spec of a workload's suite (its task and defaults). */
export async function workloadSpec(name: AblationWorkload): Promise<ProtocolSuiteSpec> {
  const entry = SUITES.find((s) => s.name === name);
  const suite = entry === undefined ? undefined : ((await entry.load()).suite as Partial<ProtocolBenchSuite>);
  if (suite?.protocol === undefined) throw new RangeError(`--workload = '${name}' is not allowed; allowed: ${ABLATION_WORKLOADS.join(', ')}`);
  return suite.protocol;
}

/** Everything the flags decide (see `suite.flags`), checked. */
export interface AblationSettings {
  readonly workload: AblationWorkload;
  readonly backend: (typeof BACKEND_NAMES)[number];
  readonly steps: number;
  readonly batchSize: number;
  readonly lr: number;
  /** Where lr came from: '--lr', the workload's <workload>.json, or the default. */
  readonly lrSource: string;
  readonly seed: number;
  readonly evalEvery: number;
  readonly schedule: 'constant' | 'cosine';
  readonly variants: readonly string[] | undefined;
  readonly timingRounds: number;
  readonly timingSkip: number;
  /** The default's maxPreconditionerDim (the workload's; quick 64). */
  readonly blockSize: number;
}

/** Shampoo's chosen lr in a protocol suite's result file, or undefined. */
function chosenShampooLr(path: string): number | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const lr = JSON.parse(readFileSync(path, 'utf8'))?.chosenLr?.shampoo;
    return typeof lr === 'number' && lr > 0 ? lr : undefined;
  } catch {
    return undefined;
  }
}

/** Parses and checks the flags against the workload's defaults (quick or full). */
export function ablationSettings(spec: ProtocolSuiteSpec, ctx: Pick<SuiteContext, 'flags' | 'quick' | 'outDir'>): AblationSettings {
  const f = ctx.flags;
  const d = ctx.quick ? spec.quick : spec.defaults;
  // Quick: two steps and one timed round of every variant, blocks of 64, so the smoke run takes seconds.
  const steps = intFlag('steps', f.steps, ctx.quick ? Math.min(2, d.steps) : d.steps);
  const fromFile = chosenShampooLr(join(ctx.outDir, `${spec.name}.json`));
  const fallbackLr = ctx.quick ? spec.quick.lrs[0] : 1e-3;
  const lr = positiveFlag('lr', f.lr, fromFile ?? fallbackLr, 10);
  const list = f.variants;
  const variants = list === undefined ? undefined : typeof list === 'string' && list.trim() !== '' ? list.split(',').map((s) => s.trim()) : (() => {
    throw new RangeError(`--variants = ${JSON.stringify(list)} is not allowed; allowed: a comma-separated list of variant names`);
  })();
  return {
    workload: spec.name as AblationWorkload,
    backend: choiceFlag('backend', f.backend, 'wasm', BACKEND_NAMES),
    steps,
    batchSize: intFlag('batch-size', f['batch-size'], d.batchSize, 1, 100000),
    lr,
    lrSource: f.lr !== undefined ? '--lr' : fromFile !== undefined ? `chosenLr.shampoo of ${spec.name}.json` : 'default',
    seed: intFlag('seed', f.seed, 1, 0, 1e6),
    evalEvery: intFlag('eval-every', f['eval-every'], d.evalEvery),
    schedule: choiceFlag('schedule', f.schedule, 'cosine', ['constant', 'cosine'] as const),
    variants,
    timingRounds: intFlag('timing-rounds', f['timing-rounds'], ctx.quick ? 1 : 2 * d.preconditionFrequency),
    timingSkip: intFlag('timing-skip', f['timing-skip'], ctx.quick ? 0 : d.preconditionFrequency, 0),
    blockSize: intFlag('block-size', f['block-size'], ctx.quick ? Math.min(64, d.maxPreconditionerDim) : d.maxPreconditionerDim, 1, 8192),
  };
}

/** The table of the rows. */
export function ablationTable(rows: readonly AblationRow[]): string {
  return formatTable(
    ['group', 'variant', 'change', 'final test loss', '/ default', 'best test loss', 'step ms', 'step / default', 'step / AdamW', 'state'],
    rows.map((r) => [
      r.group, r.name, r.change, r.diverged ? `diverged (${formatNumber(r.finalTestLoss)})` : r.finalTestLoss, formatNumber(r.lossRatioToDefault), r.bestTestLoss,
      formatNumber(r.stepMs), formatNumber(r.stepRatioToDefault), formatNumber(r.stepRatioToAdamw), formatBytes(r.stateBytes),
    ]),
  );
}

async function run(ctx: SuiteContext): Promise<void> {
  const workload = choiceFlag('workload', ctx.flags.workload, 'autoencoder', ABLATION_WORKLOADS);
  const spec = await workloadSpec(workload);
  const s = ablationSettings(spec, ctx);
  const d = ctx.quick ? spec.quick : spec.defaults;
  const base = { preconditionFrequency: d.preconditionFrequency, maxPreconditionerDim: s.blockSize, weightDecay: d.weightDecay };
  const variants = selectVariants(ablationVariants(base), s.variants === undefined ? undefined : ['default', ...s.variants.filter((v) => v !== 'default')]);
  const backend = await useBackend(s.backend);
  const machine = machineInfo();
  ctx.log(`ablation${ctx.quick ? ' (quick)' : ''} on ${workload}, ${backend.name}: ${machine.cpu}, ${machine.cores} cores, load average ${machine.loadAverage.join(' ')}`);
  const task = spec.task(ctx.quick, {});
  ctx.log(`model: ${task.model.description}; ${s.steps} steps of ${s.batchSize}; lr ${s.lr} (${s.lrSource}), ${s.schedule}; seed ${s.seed}; ${variants.length} variants + AdamW; step time over ${s.timingRounds} interleaved rounds after ${s.timingSkip} untimed`);
  const rows = await runAblation({
    model: task.model, train: task.train, test: task.test, base, variants, lr: s.lr, seed: s.seed, steps: s.steps,
    batchSize: s.batchSize, evalEvery: s.evalEvery, schedule: s.schedule, timingRounds: s.timingRounds, timingSkip: s.timingSkip, progress: process.stderr,
  });
  ctx.log('');
  ctx.log(ablationTable(rows));
  const command = `npm run bench -- ablation ${process.argv.slice(3).join(' ')}`.trim();
  const json = { suite: 'ablation', command, quick: ctx.quick, ...s, backend: backend.name, data: task.data, model: task.model.description, base, machineAtStart: machine, machineAtEnd: machineInfo(), rows };
  const paths = writeFilesAtomically(ctx.outDir, { 'ablation.json': `${JSON.stringify(json, null, 2)}\n` });
  ctx.log(`\nwrote ${paths.join(', ')}`);
}

export const suite: BenchSuite = {
  flags: {
    workload: { type: 'string', description: `the task: ${ABLATION_WORKLOADS.join(', ')} (default autoencoder), with that suite's model, data and defaults` },
    backend: { type: 'string', description: `tfjs backend: ${BACKEND_NAMES.join(', ')} (default wasm)` },
    steps: { type: 'string', description: "steps per run (default: the workload's; quick 2)" },
    'batch-size': { type: 'string', description: "examples per step (default: the workload's)" },
    lr: { type: 'string', description: "peak lr of every run (default: chosenLr.shampoo of <out>/<workload>.json if present, else 1e-3; quick: the workload's quick lr)" },
    seed: { type: 'string', description: 'initial weights and batch order (default 1)' },
    'eval-every': { type: 'string', description: "evaluate every N steps (default: the workload's)" },
    schedule: { type: 'string', description: "'cosine' (default: warmup + cosine decay to 0, as the protocol) or 'constant'" },
    variants: { type: 'string', description: 'comma-separated variant names to run besides the default (default: all; an unknown name lists them)' },
    'block-size': { type: 'string', description: "the default's maxPreconditionerDim (default: the workload's; quick 64)" },
    'timing-rounds': { type: 'string', description: 'interleaved timed steps per variant (default 2 x the workload\'s preconditionFrequency; quick 1)' },
    'timing-skip': { type: 'string', description: "untimed steps before timing (default the workload's preconditionFrequency, its start of preconditioning; quick 0)" },
  },
  run,
};
