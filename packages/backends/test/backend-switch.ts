/**
 * Test helpers: run the same computation on a named backend from host arrays, so a
 * kernel can be compared across backends without tensors crossing between them.
 */
import * as tf from '@tensorflow/tfjs';

/** A host tensor: values with a shape and dtype. */
export interface HostTensor {
  values: Float32Array | Int32Array;
  shape: number[];
  dtype: 'float32' | 'int32';
}

/** Activates `backend`, runs `fn` on device tensors made from `inputs`, reads the result back, disposes everything. */
export async function runOn(backend: string, inputs: Record<string, HostTensor>, fn: (t: Record<string, tf.Tensor>) => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  const previous = tf.getBackend();
  await tf.setBackend(backend);
  try {
    const tensors = Object.fromEntries(Object.entries(inputs).map(([k, h]) => [k, tf.tensor(h.values, h.shape, h.dtype)]));
    const out = tf.tidy(() => fn(tensors));
    const list = Array.isArray(out) ? out : [out];
    const values = await Promise.all(list.map(async (t) => Float32Array.from(await t.data())));
    tf.dispose([...list, ...Object.values(tensors)]);
    return values;
  } finally {
    await tf.setBackend(previous);
  }
}

/** Largest |a - b| / (1 + |b|) over the elements (Infinity on a length mismatch). */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return worst;
}

/** Uniform values in [-1, 1) from a seed (a small LCG, so cases are reproducible from fast-check's seed). */
export function seededValues(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** A float32 host tensor of this shape filled from `seed`. */
export function hostFloat(shape: number[], seed: number): HostTensor {
  return { values: seededValues(shape.reduce((a, b) => a * b, 1), seed), shape, dtype: 'float32' };
}
