/**
 * Bytes of an optimizer state: sum over its distinct tensor buffers of size x bytes per
 * element (4 for float32 and int32, 1 for bool, 8 for complex64). Tensors that share a
 * buffer (tf.clone) count once, since that is what the backend holds.
 */
import type * as tf from '@tensorflow/tfjs';
import { tensorsIn } from '@shampoo-ts/core/authoring';

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };

export function stateBytes(state: unknown): number {
  const seen = new Set<unknown>();
  let total = 0;
  for (const t of tensorsIn(state) as tf.Tensor[]) {
    const id = (t as unknown as { dataId: unknown }).dataId;
    if (seen.has(id)) continue;
    seen.add(id);
    total += t.size * (BYTES[t.dtype] ?? 4);
  }
  return total;
}
