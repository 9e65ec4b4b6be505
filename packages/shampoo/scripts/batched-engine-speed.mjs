#!/usr/bin/env node
/**
 * The batched block engine against the per-block one, on one backend (wasm by default):
 * the optimizer update alone (engine.stepLeaves on a fixed gradient, non-root steps, every
 * block preconditioned) of the MLP 784-512-512-10 with the step suite's Shampoo settings,
 * per block size; both engines advance in turn (interleaved rounds), medians reported, with
 * the kernels of one update (tf.profile).
 *   batched   = shampooBlockEngine(options, owner)                       (the default)
 *   per block = shampooBlockEngine(options, owner, { batchBlocks: false }) (each block its own group)
 * Usage (build first: npx turbo run build):
 *   node packages/shampoo/scripts/batched-engine-speed.mjs [--backend wasm|cpu] [--blocks 1024,256,128] [--rounds 9]
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@shampoo-ts/backends';
import { disposeTree, ownTensors, tensorsIn } from '@shampoo-ts/core';
import { adamGrafting } from '@shampoo-ts/grafting';
import { hostRootExecutor, shampooBlockEngine } from '@shampoo-ts/shampoo';

const flag = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const dims = [784, 512, 512, 10];
const rounds = Number(flag('rounds', '9'));
await useBackend(flag('backend', 'wasm'));
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];

for (const block of flag('blocks', '1024,256,128').split(',').map(Number)) {
  const params = {};
  for (let i = 0; i + 1 < dims.length; i++) {
    params[`w${i}`] = tf.randomNormal([dims[i], dims[i + 1]], 0, 1, 'float32', i);
    params[`b${i}`] = tf.randomNormal([dims[i + 1]], 0, 1, 'float32', 10 + i);
  }
  const grads = Object.fromEntries(Object.entries(params).map(([k, v], i) => [k, tf.randomNormal(v.shape, 0, 1, 'float32', 20 + i)]));
  const options = {
    lr: 1e-3, betas: [0.9, 0.999], epsilon: 1e-12, weightDecay: 1e-4, weightDecayType: 'decoupled', preconditionFrequency: 1000,
    startPreconditioningStep: 1000, maxPreconditionerDim: block, useSymmetricPacking: true, grafting: adamGrafting({ beta2: 0.999, epsilon: 1e-8 }),
    rootExecutor: hostRootExecutor(),
  };
  const leaves = Object.entries(params).map(([path, p]) => ({ path, grad: grads[path], param: p }));
  const contenders = [true, false].map((batchBlocks) => {
    const engine = shampooBlockEngine(options, 'speed', { batchBlocks });
    const infos = Object.entries(params).flatMap(([path, p]) => {
      const l = engine.layoutOf(p.shape);
      return l.blocks.map((_, i) => engine.blockInfo(path, l, i));
    });
    // Past the start, between root steps: every update preconditions, none computes roots.
    let state = tf.tidy(() => ({ ...engine.init(infos), step: 2000 }));
    const advance = () => {
      const inputs = [...tensorsIn(state), ...Object.values(grads), ...Object.values(params)];
      const r = tf.tidy(() => {
        const { updates, state: next } = engine.stepLeaves(leaves, state);
        return [updates, next];
      });
      const [u, next] = ownTensors(r, inputs);
      u[0].dataSync();
      disposeTree([u, state]);
      state = next;
    };
    return { advance, dispose: () => disposeTree(state) };
  });
  const times = contenders.map(() => []);
  for (let r = 0; r < rounds + 2; r++) {
    contenders.forEach((c, i) => {
      const t = performance.now();
      c.advance();
      if (r >= 2) times[i].push(performance.now() - t);
    });
  }
  const kernels = [];
  for (const c of contenders) kernels.push((await tf.profile(c.advance)).kernels.length);
  const [b, p] = times.map(median);
  console.log(`${tf.getBackend()} block ${block}: batched ${b.toFixed(1)} ms (${kernels[0]} kernels), per block ${p.toFixed(1)} ms (${kernels[1]} kernels), batched / per block ${(b / p).toFixed(2)}`);
  contenders.forEach((c) => c.dispose());
  disposeTree([params, grads]);
}
