import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@shampoo-ts/backends';
import { disposeTree, initTrainState, step } from '@shampoo-ts/core';
import { adamGrafting } from '@shampoo-ts/grafting';
import { hostRootExecutor, shampoo } from '@shampoo-ts/shampoo';
const { mlp } = await import('/work/wt-k12/packages/bench/dist/models/mlp.js');
const { convnet } = await import('/work/wt-k12/packages/bench/dist/models/convnet.js');
const { initParams } = await import('/work/wt-k12/packages/bench/dist/models/model.js');
await useBackend('wasm');
const [model, block, names] = [process.argv[2], Number(process.argv[3]), process.argv[4].split(',')];
const p = initParams(model === 'mlp' ? mlp() : convnet(), 1);
const g = Object.fromEntries(Object.entries(p).map(([layer, ns]) => [layer, Object.fromEntries(Object.entries(ns).map(([n, t], i) => [n, tf.randomNormal(t.shape, 0, 1, 'float32', 3 + i)]))]));
const tx = shampoo({ lr: 1e-3, betas: [0.9, 0.999], epsilon: 1e-12, weightDecay: 1e-4, weightDecayType: 'decoupled', preconditionFrequency: 100, maxPreconditionerDim: block, useSymmetricPacking: true, grafting: adamGrafting({ beta2: 0.999, epsilon: 1e-8 }), rootExecutor: hostRootExecutor() });
let state = initTrainState(p, tx);
const advance = () => { const n = step(state, g, tx); disposeTree(state); state = n; };
for (let k = 0; k < 101; k++) advance();
const eng = tf.engine();
const orig = eng.runKernel.bind(eng);
const tally = new Map();
eng.runKernel = (name, ...rest) => {
  if (names.includes(name)) {
    const frames = new Error().stack.split('\n').filter((l) => l.includes('/packages/') && !l.includes('tfjs')).slice(0, 2).map((l) => l.replace(/.*packages\//, '').replace(/\)$/, ''));
    const k = `${name} @ ${frames.join(' <- ')}`;
    tally.set(k, (tally.get(k) ?? 0) + 1);
  }
  return orig(name, ...rest);
};
advance();
for (const [k, c] of [...tally].sort((a, b) => b[1] - a[1])) console.log(c, k);
