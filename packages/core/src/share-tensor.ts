/**
 * A second handle on a tensor's data without a kernel: shareTensor(x) is a new tensor
 * object y with y = x (same dataId, shape, dtype), whose data lives until both x and y are
 * disposed. It is what tf.clone(x) means for a tensor that is never written in place (all
 * of tfjs's): tfjs-backend-cpu's, -webgl's and -webgpu's Identity kernels only add a
 * reference, tfjs-backend-wasm 4.22's copies the data out of and back into its heap. The
 * helper adds the reference on the backend that holds the data (`backend.incRef(dataId)`)
 * and wraps it (`engine.makeTensorFromDataId`), so no kernel runs and nothing is copied.
 *
 * It falls back to tf.clone (one Identity kernel) where sharing is not the same thing:
 * while a gradient tape records (tf.grad: the clone must be on the tape), for a disposed
 * tensor (tf.clone throws the usual error) and on a backend without incRef.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Where the engine keeps a live tensor's data: its backend, if that backend can add a reference. */
function sharingBackend(x: tf.Tensor): (tf.KernelBackend & { incRef(dataId: tf.DataId): void }) | null {
  const engine = tf.engine();
  if (x.isDisposed || engine.isTapeOn()) return null;
  const backend = engine.state.tensorInfo.get(x.dataId)?.backend as (tf.KernelBackend & { incRef?: unknown }) | undefined;
  return backend !== undefined && typeof backend.incRef === 'function' ? (backend as tf.KernelBackend & { incRef(dataId: tf.DataId): void }) : null;
}

/**
 * y = x as a new tensor handle sharing x's data (see the module comment): disposing one
 * leaves the other intact; no kernel, no copy (tf.clone where that cannot be had).
 */
export function shareTensor<T extends tf.Tensor>(x: T): T {
  const backend = sharingBackend(x);
  if (backend === null) return tf.clone(x);
  backend.incRef(x.dataId);
  return tf.engine().makeTensorFromDataId(x.dataId, x.shape, x.dtype, backend) as T;
}
