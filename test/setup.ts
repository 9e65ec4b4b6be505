/**
 * Shared test setup, run before every test file of every package.
 * - fast-check runs from a fixed seed (FC_SEED, default below) so CI is reproducible; on a
 *   failure fast-check prints the seed and path, and FC_SEED=<seed> reruns that case.
 * - TensorFlow.js uses the cpu backend unless a test picks another.
 */
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { beforeAll } from 'vitest';

const seed = Number(process.env.FC_SEED ?? 20261123);
fc.configureGlobal({ seed, numRuns: Number(process.env.FC_NUM_RUNS ?? 50) });

beforeAll(async () => {
  tf.env().set('IS_TEST', true);
  if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
  await tf.ready();
});
