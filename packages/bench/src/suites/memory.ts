/**
 * `npm run bench -- memory`: optimizer-state bytes per parameter, for each optimizer and
 * Shampoo variant, with symmetric packing of the factors on and off, on the models of
 * the other suites (MLP 784-512-512-10, the demo's convnet, the character LM).
 *
 * Bytes are counted over the distinct tensor buffers of the state (train/state-bytes.ts)
 * after init and one update with a seeded random gradient (preconditionFrequency 1, so
 * the first step computes roots and every lazily built piece exists); tf.train.adam's
 * slots after one applyGradients. Per parameter = state bytes / number of parameters.
 * AdamW keeps 2 numbers (8 bytes) per parameter; Shampoo adds its factors, about
 * sum over blocks of (d_i^2 or d_i (d_i + 1) / 2 packed) for the factor plus d_i^2 for
 * the root, which is why the block size matters most.
 * Writes <out>/memory.json and <out>/memory.svg (bytes per parameter against block size).
 */
import * as tf from '@tensorflow/tfjs';
import { disposeTree, initTrainState, step, type GradientTransformation } from '@shampoo-ts/core';
import { adagradGrafting, adamGrafting } from '@shampoo-ts/grafting';
import { muon, shampoo, soap, type ShampooOptions } from '@shampoo-ts/shampoo';
import { useBackend, BACKEND_NAMES } from '@shampoo-ts/backends';
import type { BenchSuite, SuiteContext } from '../suite.js';
import { convnet } from '../models/convnet.js';
import { mlp } from '../models/mlp.js';
import { charMlp } from '../models/char-mlp.js';
import { BROWN_VOCAB } from '../data/brown.js';
import { Rng } from '../data/rng.js';
import { initParams, parameterCount, type Model, type Params } from '../models/model.js';
import { makeTransform } from '../train/optimizers.js';
import { optimizerVariables } from '../train/learner.js';
import { stateBytes } from '../train/state-bytes.js';
import { DEMO_DEFAULTS } from '../demo/config.js';
import { formatTable } from '../lib/table.js';
import { machineInfo } from '../lib/results.js';
import { lineChart } from '../lib/svg.js';
import { writeFilesAtomically } from '../output/atomic-output.js';
import { formatBytes } from '../output/format-bytes.js';
import { choiceFlag } from '../util/flag-values.js';

/** One optimizer configuration of the table. */
export interface MemoryVariant {
  readonly name: string;
  /** Symmetric packing of the factors, where it applies (null: no factors). */
  readonly packing: boolean | null;
  /** Block size, where it applies. */
  readonly blockSize: number | null;
  /** The transform, or null for tf.train.adam. */
  readonly transform: (() => GradientTransformation) | null;
}

export interface MemoryRow {
  model: string;
  parameters: number;
  optimizer: string;
  packing: boolean | null;
  block_size: number | null;
  state_bytes: number;
  bytes_per_parameter: number;
}

const SILENT = { onWarning: () => undefined };

function shampooVariant(name: string, packing: boolean, blockSize: number, extra: ShampooOptions = {}): MemoryVariant {
  return {
    name,
    packing,
    blockSize,
    transform: () =>
      shampoo({
        lr: 1e-3, betas: [0.9, 0.999], epsilon: 1e-12, preconditionFrequency: 1, maxPreconditionerDim: blockSize,
        useSymmetricPacking: packing, grafting: adamGrafting({ beta2: 0.999, epsilon: 1e-8 }), ...SILENT, ...extra,
      }) as GradientTransformation,
  };
}

export function memoryVariants(blockSizes: readonly number[]): MemoryVariant[] {
  const out: MemoryVariant[] = [
    { name: 'AdamW', packing: null, blockSize: null, transform: () => makeTransform({ name: 'adamw', lr: 1e-3, weightDecay: 1e-4, preconditionFrequency: 1, maxPreconditionerDim: 1 }) },
    { name: 'tf.train.adam', packing: null, blockSize: null, transform: null },
  ];
  for (const b of blockSizes) {
    for (const packing of [true, false]) {
      out.push(shampooVariant('Shampoo root-inverse (Adam grafting)', packing, b));
      out.push(shampooVariant('Shampoo eigendecomposed', packing, b, { preconditioner: { type: 'eigendecomposed' } }));
      out.push(shampooVariant('Shampoo eigenvalue-corrected (eigh)', packing, b, { preconditioner: { type: 'eigenvalue-corrected' }, grafting: null }));
      out.push(shampooVariant('KL-Shampoo', packing, b, { preconditioner: { type: 'kl-shampoo' } }));
      out.push({
        name: 'SOAP (QR)',
        packing,
        blockSize: b,
        transform: () => soap({ lr: 1e-3, preconditionFrequency: 1, maxPreconditionerDim: b, useSymmetricPacking: packing, ...SILENT }) as GradientTransformation,
      });
    }
    out.push(shampooVariant('Shampoo root-inverse, AdaGrad grafting, no momentum', true, b, { betas: [0, 1], grafting: adagradGrafting({ epsilon: 1e-10 }) }));
  }
  out.push({ name: 'Muon (+AdamW for non-matrices)', packing: null, blockSize: null, transform: () => muon({ lr: 0.02 }) as GradientTransformation });
  out.push(shampooVariant('sign descent', true, blockSizes[0], { preconditioner: { type: 'sign-descent' }, grafting: null }));
  return out;
}

/** A seeded random gradient shaped like `params`. */
function randomGrads(params: Params, seed: number): Params {
  const rng = new Rng(seed);
  const out: { [layer: string]: { [name: string]: tf.Tensor } } = {};
  for (const [layer, names] of Object.entries(params)) {
    out[layer] = {};
    for (const [name, p] of Object.entries(names)) out[layer][name] = tf.tensor(Float32Array.from({ length: p.size }, () => 0.01 * rng.normal()), p.shape);
  }
  return out;
}

/** State bytes of `variant` on `model` after init and one update (see the module comment). */
export function measureVariant(model: Model, variant: MemoryVariant): number {
  const params = initParams(model, 1);
  const grads = randomGrads(params, 2);
  try {
    if (variant.transform === null) {
      const optimizer = tf.train.adam(1e-3);
      const vars: Record<string, tf.Variable> = {};
      const named: Record<string, tf.Tensor> = {};
      for (const [layer, names] of Object.entries(params)) {
        for (const [name, p] of Object.entries(names)) {
          const key = `memory/${layer}/${name}/${Math.random()}`;
          vars[key] = tf.variable(p, true, key);
          named[key] = grads[layer][name];
        }
      }
      optimizer.applyGradients(Object.entries(named).map(([name, tensor]) => ({ name, tensor })));
      const bytes = stateBytes(optimizerVariables(optimizer));
      optimizer.dispose();
      disposeTree(vars);
      return bytes;
    }
    const tx = variant.transform();
    const s0 = initTrainState(params, tx);
    const s1 = step(s0, grads, tx);
    disposeTree(s0);
    const bytes = stateBytes(s1.optState);
    disposeTree(s1);
    return bytes;
  } finally {
    disposeTree(params);
    disposeTree(grads);
  }
}

async function run(ctx: SuiteContext): Promise<void> {
  const backendName = choiceFlag('backend', ctx.flags.backend, 'cpu', BACKEND_NAMES);
  const backend = await useBackend(backendName);
  const machine = machineInfo();
  ctx.log(`memory benchmark${ctx.quick ? ' (quick)' : ''} on ${backend.name}: ${machine.cpu}, ${machine.cores} cores`);
  const models: Model[] = ctx.quick
    ? [mlp([784, 32, 10]), convnet(4, 8)]
    : [mlp(), convnet(), charMlp(BROWN_VOCAB)];
  const blockSizes = ctx.quick ? [64] : [1024, DEMO_DEFAULTS.maxPreconditionerDim];
  const rows: MemoryRow[] = [];
  for (const model of models) {
    const n = parameterCount(model);
    for (const v of memoryVariants(blockSizes)) {
      const bytes = measureVariant(model, v);
      rows.push({ model: model.description, parameters: n, optimizer: v.name, packing: v.packing, block_size: v.blockSize, state_bytes: bytes, bytes_per_parameter: bytes / n });
    }
    ctx.log(`  ${model.description}: ${n} parameters, ${memoryVariants(blockSizes).length} variants measured`);
  }
  ctx.log('');
  for (const model of models) {
    const mine = rows.filter((r) => r.model === model.description);
    ctx.log(`${model.description} (${mine[0].parameters} parameters):`);
    ctx.log(
      formatTable(
        ['optimizer', 'block', 'packing', 'state', 'bytes / parameter'],
        mine.map((r) => [r.optimizer, r.block_size ?? '-', r.packing === null ? '-' : r.packing ? 'on' : 'off', formatBytes(r.state_bytes), r.bytes_per_parameter]),
      ),
    );
    ctx.log('');
  }
  const main = rows.filter((r) => r.optimizer === 'Shampoo root-inverse (Adam grafting)');
  const plot = lineChart({
    title: 'Shampoo (root-inverse, Adam grafting) state bytes per parameter',
    xLabel: 'maxPreconditionerDim (block size)',
    yLabel: 'bytes per parameter',
    logX: true,
    logY: true,
    series: models.flatMap((m) =>
      [true, false].map((packing) => ({
        name: `${m.name} packing ${packing ? 'on' : 'off'}`,
        points: main.filter((r) => r.model === m.description && r.packing === packing).map((r) => [r.block_size as number, r.bytes_per_parameter] as const).sort((a, b) => a[0] - b[0]),
      })),
    ),
  });
  const json = { suite: 'memory', command: `npm run bench -- memory ${process.argv.slice(3).join(' ')}`.trim(), machine, backend, quick: ctx.quick, rows };
  const paths = writeFilesAtomically(ctx.outDir, { 'memory.json': JSON.stringify(json, null, 1) + '\n', 'memory.svg': plot });
  ctx.log(`wrote ${paths.join(', ')}`);
}

export const suite: BenchSuite = {
  flags: {
    backend: { type: 'string', description: `tfjs backend: ${BACKEND_NAMES.join(', ')} (default cpu: bytes do not depend on it)` },
  },
  run,
};
