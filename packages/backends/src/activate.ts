/**
 * Switching tfjs to a registered backend, with an error that says why when it fails.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * `tf.setBackend(name)` then `tf.ready()`. tfjs reports a failed initialisation by
 * returning false (and printing the cause); this turns that into an Error carrying
 * `hint`, and leaves the previously active backend active.
 */
export async function activate(name: string, hint: string): Promise<void> {
  if (tf.findBackendFactory(name) == null) throw new Error(`backend '${name}' is not registered: ${hint}`);
  const previous = tf.engine().backendName;
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (e) {
    throw new Error(`backend '${name}' failed to initialise (${(e as Error).message ?? e}): ${hint}`);
  }
  if (!ok) {
    if (previous != null && previous !== name && tf.findBackend(previous) != null) await tf.setBackend(previous);
    throw new Error(`backend '${name}' failed to initialise (tfjs printed the cause above): ${hint}`);
  }
  await tf.ready();
}

/** The active backend's float precision as a dtype name. */
export function precisionOf(): 'float32' | 'float16' {
  return tf.backend().floatPrecision() === 16 ? 'float16' : 'float32';
}
