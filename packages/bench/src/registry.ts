import type { SuiteEntry } from './suite.js';

/** Every suite `npm run bench -- <suite>` knows. Add a suite: one file in suites/ and one line here. */
export const SUITES: readonly SuiteEntry[] = [
  { name: 'workers', summary: 'root computation inline vs on 1/2 worker threads (synchronous, pipelined): Shampoo step time vs AdamW', load: () => import('./suites/workers.js') },
  {
    name: 'linalg',
    summary: 'float64 eigendecomposition, inverse 4th root and a batch of blocks: ours (wasm, js) vs LAPACK dsyevd vs ml-matrix',
    load: () => import('./suites/linalg.js'),
  },
  { name: 'mnist', summary: "time to AdamW's test loss on MNIST (demo convnet): AdamW, Shampoo, SOAP, Muon, tf.train.adam; one lr grid, cosine, 3 seeds", load: () => import('./suites/mnist.js') },
  { name: 'step', summary: 'one training step, Shampoo (Adam grafting, roots every 100) vs AdamW: MLP b128/b1024, demo convnet; ratio, flop_bound, breakdown', load: () => import('./suites/step.js') },
  { name: 'lm', summary: "time to AdamW's held-out loss, character MLP LM on the Brown corpus: AdamW, Shampoo, SOAP, Muon, tf.train.adam; one lr grid, cosine, 3 seeds", load: () => import('./suites/lm.js') },
  { name: 'transformer', summary: "time to AdamW's held-out loss, decoder-only char transformer on the Brown corpus: AdamW, Shampoo, SOAP, Muon, tf.train.adam", load: () => import('./suites/transformer.js') },
  { name: 'autoencoder', summary: "time to AdamW's held-out loss, Hinton-Salakhutdinov deep autoencoder on MNIST: AdamW, Shampoo, SOAP, Muon, tf.train.adam", load: () => import('./suites/autoencoder.js') },
  { name: 'ablation', summary: "Shampoo's options one at a time from the default on a protocol workload (--workload): final loss, interleaved step time vs default and AdamW", load: () => import('./suites/ablation.js') },
  { name: 'memory', summary: 'optimizer-state bytes per parameter: AdamW, tf.train.adam, Shampoo variants, symmetric packing on/off, block sizes', load: () => import('./suites/memory.js') },
];
