/**
 * `npm run bench -- mnist`: time to a target test loss on real MNIST digits with the
 * demo's convnet: AdamW, Shampoo (Adam grafting), SOAP, Muon and tfjs's own
 * tf.train.adam, each with its learning rate chosen from the same half-decade grid on a
 * tuning seed, then 3 evaluation seeds (train/protocol.ts; the target from AdamW's seeds). Reports steps-to-target and
 * wall-clock-to-target ratios over AdamW with their spread over the seeds. Writes
 * <out>/mnist.json and <out>/mnist.svg (test loss vs steps and vs seconds, first seed).
 * Defaults are the demo's (demo/config.ts), but for the grid and the target.
 */
import { loadMnist } from '../data/mnist.js';
import { convnet } from '../models/convnet.js';
import { DEMO_DEFAULTS } from '../demo/config.js';
import { protocolSuite } from '../train/protocol-suite.js';
import { DEFAULT_LR_GRID } from '../train/lr-grid.js';


export const suite = protocolSuite({
  name: 'mnist',
  title: 'MNIST convnet',
  defaults: {
    steps: DEMO_DEFAULTS.steps,
    batchSize: DEMO_DEFAULTS.batchSize,
    seeds: 3,
    lrs: DEFAULT_LR_GRID,
    evalEvery: DEMO_DEFAULTS.evalEvery,
    preconditionFrequency: DEMO_DEFAULTS.preconditionFrequency,
    maxPreconditionerDim: DEMO_DEFAULTS.maxPreconditionerDim,
    weightDecay: DEMO_DEFAULTS.weightDecay,
  },
  quick: {
    steps: 6, batchSize: 32, seeds: 1, lrs: [DEMO_DEFAULTS.lr], evalEvery: 3, timingRounds: 2,
    preconditionFrequency: 2, maxPreconditionerDim: DEMO_DEFAULTS.maxPreconditionerDim, weightDecay: DEMO_DEFAULTS.weightDecay,
  },
  task(quick) {
    const { train, test } = loadMnist();
    const evalSet = quick ? test.subset(Int32Array.from({ length: 200 }, (_, i) => i)) : test; // the split is shuffled
    return { model: convnet(), train, test: evalSet, data: { source: 'mnist npm package 1.1.0', train: train.size, test: evalSet.size } };
  },
});
