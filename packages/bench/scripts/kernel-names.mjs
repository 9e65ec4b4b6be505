#!/usr/bin/env node
/**
 * Which tfjs kernels one Shampoo update launches, by name (tf.profile of one update step on a
 * fixed gradient, non-root step after the first root step) and its synchronous reads
 * (backend.readSync), against AdamW's kernel count: the step
 * suite's Shampoo settings (Adam grafting, decoupled wd 1e-4, packing) on the MLP
 * 784-512-512-10 or the demo convnet (the step suite's models), per block size.
 * Usage (build first): node packages/bench/scripts/kernel-names.mjs [--backend wasm] [--model mlp|convnet] [--blocks 1024,512,256,128,64]
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@shampoo-ts/backends';
import { adamw, disposeTree, initTrainState, step } from '@shampoo-ts/core';
import { adamGrafting } from '@shampoo-ts/grafting';
import { hostRootExecutor, shampoo } from '@shampoo-ts/shampoo';

const flag = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
await useBackend(flag('backend', 'wasm'));
const model = flag('model', 'mlp');
const { mlp } = await import('../dist/models/mlp.js');
const { convnet } = await import('../dist/models/convnet.js');
const { initParams } = await import('../dist/models/model.js');
/** The step suite's models (packages/bench/src/models): MLP 784-512-512-10, the demo convnet. */
const params = () => initParams(model === 'mlp' ? mlp() : convnet(), 1);
const frequency = 100;
for (const block of flag('blocks', '1024,512,256,128,64').split(',').map(Number)) {
  const p = params();
  const g = Object.fromEntries(Object.entries(p).map(([layer, names]) => [layer, Object.fromEntries(Object.entries(names).map(([n, t], i) => [n, tf.randomNormal(t.shape, 0, 1, 'float32', 3 + i)]))]));
  const tx = shampoo({
    lr: 1e-3, betas: [0.9, 0.999], epsilon: 1e-12, weightDecay: 1e-4, weightDecayType: 'decoupled', preconditionFrequency: frequency,
    maxPreconditionerDim: block, useSymmetricPacking: true, grafting: adamGrafting({ beta2: 0.999, epsilon: 1e-8 }), rootExecutor: hostRootExecutor(),
  });
  let state = initTrainState(p, tx);
  const advance = () => {
    const next = step(state, g, tx);
    disposeTree(state);
    state = next;
  };
  for (let k = 0; k < frequency + 1; k++) advance();
  const before = tf.memory().numTensors;
  advance();
  const after = tf.memory().numTensors;
  // Synchronous reads of one update (wasm: copies out of its heap, e.g. unstacking a group's stack).
  const backend = tf.backend();
  const readSync = backend.readSync;
  let reads = 0;
  backend.readSync = function (...args) {
    reads++;
    return readSync.apply(this, args);
  };
  const info = await tf.profile(advance);
  backend.readSync = readSync;
  const count = info.kernels.length;
  const byName = new Map();
  for (const k of info.kernels) byName.set(k.name, (byName.get(k.name) ?? 0) + 1);
  const ad = adamw({ learningRate: 1e-3, b1: 0.9, b2: 0.999, eps: 1e-8, weightDecay: 1e-4 });
  let as = initTrainState(p, ad);
  const adv = () => { const n = step(as, g, ad); disposeTree(as); as = n; };
  adv();
  const adamK = (await tf.profile(adv)).kernels.length; // (tf.profile reuses its result object: count read above)
  const list = [...byName].sort((a, b) => b[1] - a[1]).map(([n, c]) => `${n} ${c}`).join(', ');
  console.log(`${model} block ${block}: ${count} kernels (AdamW ${adamK}, ${(count / adamK).toFixed(2)}x); synchronous reads ${reads}; tensors across one more update ${before} -> ${after}\n  ${list}`);
  disposeTree([state, as, g]);
}
