import type { SuiteEntry } from './suite.js';

/** Every suite `npm run bench -- <suite>` knows. Add a suite: one file in suites/ and one line here. */
export const SUITES: readonly SuiteEntry[] = [
  { name: 'workers', summary: 'root computation inline vs on 1/2 worker threads (synchronous, pipelined): Shampoo step time vs AdamW', load: () => import('./suites/workers.js') },
  {
    name: 'linalg',
    summary: 'float64 eigendecomposition, inverse 4th root and a batch of blocks: ours (wasm, js) vs LAPACK dsyevd vs ml-matrix',
    load: () => import('./suites/linalg.js'),
  },
  { name: 'mnist', summary: 'time to a target test loss on MNIST (demo convnet): Shampoo vs AdamW vs tf.train.adam, lr grid, 3 seeds', load: () => import('./suites/mnist.js') },
  { name: 'step', summary: 'one training step, Shampoo (Adam grafting, roots every 100) vs AdamW: MLP b128/b1024, demo convnet; ratio, flop_bound, breakdown', load: () => import('./suites/step.js') },
  { name: 'lm', summary: 'time to a target held-out loss, character-level LM on the Brown corpus: Shampoo vs AdamW vs tf.train.adam, lr grid, 3 seeds', load: () => import('./suites/lm.js') },
  { name: 'memory', summary: 'optimizer-state bytes per parameter: AdamW, tf.train.adam, Shampoo variants, symmetric packing on/off, block sizes', load: () => import('./suites/memory.js') },
];
