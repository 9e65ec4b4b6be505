// Type-checked with `tsc --strict` under moduleResolution node16 and bundler: the public
// API resolves to real types (the @ts-expect-error lines fail to compile if a name were
// `any` or missing), across core, shampoo, grafting, backends, tfjs and linalg.
import * as tf from '@tensorflow/tfjs';
import { adamw, chain, initTrainState, step, valueAndGrad, type GradientTransformation } from '@shampoo-ts/core';
import { shampoo } from '@shampoo-ts/shampoo';
import { adamGrafting } from '@shampoo-ts/grafting';
import { useBackend, type BackendInfo } from '@shampoo-ts/backends';
import { symmetricEigen } from '@shampoo-ts/linalg';
import { TransformOptimizer } from '@shampoo-ts/tfjs';

export async function typedStep(): Promise<number> {
  const info: BackendInfo = await useBackend('cpu');
  const params = { w: tf.zeros([2, 2]) };
  const tx: GradientTransformation = chain(shampoo({ learningRate: 0.1, grafting: adamGrafting({ beta2: 0.999, epsilon: 1e-8 }) }), adamw({ learningRate: 1e-3 }));
  const state = initTrainState(params, tx);
  const { loss, grads } = valueAndGrad((p: typeof params) => tf.sum(tf.square(p.w)), state.params);
  const next = step(state, grads, tx);
  const count: number = next.count;
  // @ts-expect-error useBackend takes a backend name, not a number
  await useBackend(3);
  // @ts-expect-error shampoo's learningRate is a number or a schedule
  shampoo({ learningRate: 'fast' });
  void symmetricEigen;
  void TransformOptimizer;
  void info.rootExecutor;
  void loss;
  return count;
}
