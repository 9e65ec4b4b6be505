/**
 * A clearer error for tfjs's "gradient function not found for <Kernel>": either no
 * gradient is registered at all (the app imported @tensorflow/tfjs-core but not
 * @tensorflow/tfjs, which registers them) or this one kernel has none in tfjs.
 */
import * as tf from '@tensorflow/tfjs-core';

const MISSING = /gradient function not found for (\w+)/;

/**
 * `error` with the cause spelled out when it is tfjs's missing-gradient error, else `error`
 * unchanged. `hasGradient(k)` says whether kernel k has a registered gradient (tfjs's
 * registry by default); 'Add' stands for "any gradient is registered".
 */
export function explainMissingGradient(error: unknown, hasGradient: (kernel: string) => boolean = (k) => tf.getGradient(k) != null): unknown {
  const match = error instanceof Error ? MISSING.exec(error.message) : null;
  if (match === null) return error;
  const why = hasGradient('Add')
    ? `tfjs has no gradient for the kernel ${match[1]}: express the loss with differentiable ops, or wrap that part in tf.customGrad`
    : `no gradient kernels are registered: add \`import '@tensorflow/tfjs'\` once to the application (it registers them; @tensorflow/tfjs-core alone has none)`;
  return new Error(`valueAndGrad: ${(error as Error).message} ${why}`, { cause: error });
}
