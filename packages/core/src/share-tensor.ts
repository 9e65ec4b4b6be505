/**
 * A second handle on a tensor's data without a kernel:
 *   shareTensor(x)        = y with y = x          (tf.clone(x), no Identity kernel)
 *   shareTensor(x, shape) = y with y = reshape(x, shape), row-major (tf.reshape, no Reshape kernel)
 * y has x's dataId; the data lives until both are disposed. tfjs never writes a tensor in
 * place, so sharing is what tf.clone means: tfjs-backend-cpu's, -webgl's and -webgpu's
 * Identity kernels only add a reference, and tfjs-backend-wasm 4.22's copies the data out
 * of and back into its heap. The helper adds the reference on the backend that holds the
 * data (`backend.incRef(dataId)`) and wraps it (`engine.makeTensorFromDataId`): no kernel
 * runs and nothing is copied. A new shape is a view only where the backend keeps every
 * tensor as a flat row-major buffer and its own Reshape kernel is that relabelling (cpu,
 * wasm, webgpu); webgl's packed textures need a program, so there it is tf.reshape.
 *
 * It falls back to tf.clone / tf.reshape (one kernel) where sharing is not the same thing:
 * while a gradient tape records (tf.grad: the op must be on the tape), for complex64 and
 * on a backend without incRef. A disposed tensor is refused.
 */
import * as tf from '@tensorflow/tfjs-core';

type SharingBackend = tf.KernelBackend & { incRef(dataId: tf.DataId): void };

/** Backends whose Reshape kernel is `incRef` plus a new shape (tfjs 4.22). */
const FLAT_BACKENDS: readonly string[] = ['cpu', 'wasm', 'webgpu'];

/** The backend holding a live tensor's data, if it can add a reference and sharing is safe here. */
function sharingBackend(x: tf.Tensor): SharingBackend | null {
  const engine = tf.engine();
  if (x.dtype === 'complex64' || engine.isTapeOn()) return null;
  const backend = engine.state.tensorInfo.get(x.dataId)?.backend as (tf.KernelBackend & { incRef?: unknown }) | undefined;
  return backend !== undefined && typeof backend.incRef === 'function' ? (backend as SharingBackend) : null;
}

/** True if `backend` is registered under one of FLAT_BACKENDS' names. */
function isFlat(backend: tf.KernelBackend): boolean {
  const registry = tf.engine().registry;
  return FLAT_BACKENDS.some((name) => registry[name] === backend);
}

/**
 * y = x, or y = reshape(x, shape) (row-major, one entry may be -1), as a new tensor handle
 * sharing x's data (see the module comment): disposing one leaves the other intact; no
 * kernel, no copy where the backend allows it (tf.clone / tf.reshape elsewhere). Throws a
 * RangeError for a disposed x or a shape of another size.
 */
export function shareTensor<T extends tf.Tensor>(x: T, shape?: readonly number[]): T {
  if (x.isDisposed) throw new RangeError(`shareTensor: x = a disposed tensor of shape [${x.shape.join(',')}] is not allowed; allowed: a live tensor`);
  const target = shape === undefined ? x.shape : viewShape(x, shape);
  const sameShape = tf.util.arraysEqual(target, x.shape);
  const backend = sharingBackend(x);
  if (backend === null || (!sameShape && !isFlat(backend))) return (sameShape ? tf.clone(x) : tf.reshape(x, target)) as T;
  backend.incRef(x.dataId);
  return tf.engine().makeTensorFromDataId(x.dataId, target, x.dtype, backend) as T;
}

/** `shape` with its -1 entry (if any) inferred from x's size; throws unless it has x's size. */
function viewShape(x: tf.Tensor, shape: readonly number[]): number[] {
  let target: number[] | null;
  try {
    target = tf.util.inferFromImplicitShape([...shape], x.size);
  } catch {
    target = null;
  }
  if (target === null || tf.util.sizeFromShape(target) !== x.size) {
    throw new RangeError(`shareTensor: shape = [${shape.join(',')}] is not allowed for a tensor of shape [${x.shape.join(',')}]; allowed: a shape of ${x.size} elements (one entry may be -1)`);
  }
  return target;
}
