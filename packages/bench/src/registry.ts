import type { SuiteEntry } from './suite.js';

/** Every suite `npm run bench -- <suite>` knows. Add a suite: one file in suites/ and one line here. */
export const SUITES: readonly SuiteEntry[] = [
  { name: 'workers', summary: 'root computation inline vs on 1/2 worker threads (synchronous, pipelined): Shampoo step time vs AdamW', load: () => import('./suites/workers.js') },
  {
    name: 'linalg',
    summary: 'float64 eigendecomposition, inverse 4th root and a batch of blocks: ours (wasm, js) vs LAPACK dsyevd vs ml-matrix',
    load: () => import('./suites/linalg.js'),
  },
];
