import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';

/** Runs `fn` and asserts that the number of live tensors is the same afterwards. */
export function expectNoLeak<T>(fn: () => T): T {
  const before = tf.memory().numTensors;
  const out = fn();
  expect(tf.memory().numTensors).toBe(before);
  return out;
}

/** Asserts that `fn` throws an error whose message matches every pattern, and leaks nothing. */
export function expectThrowsNoLeak(fn: () => unknown, ...patterns: Array<string | RegExp>): Error {
  const before = tf.memory().numTensors;
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error, 'expected an error').toBeInstanceOf(Error);
  for (const p of patterns) expect((error as Error).message).toMatch(p);
  expect(tf.memory().numTensors).toBe(before);
  return error as Error;
}
