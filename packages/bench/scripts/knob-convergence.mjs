#!/usr/bin/env node
/**
 * What the cost knobs cost in convergence: the MLP 784-512-512-10 of the step benchmark on
 * real MNIST digits (the `mnist` package: 10,000 digits; the first 1,000 of a fixed-seed
 * shuffle are held out), batch 128, the same batches in the same order for every optimizer,
 * on the wasm backend. For each configuration it reports the mean training loss over the last
 * 100 steps and the held-out loss and accuracy after --steps steps.
 *
 * Shampoo: betas [0.9, 0.999], epsilon 1e-12, decoupled wd 1e-4, Adam grafting (0.999,
 * 1e-8), preconditionFrequency 100 (as the step benchmark), and the knob under test.
 *
 * Usage (build first: npx turbo run build --filter=@shampoo-ts/bench...):
 *   node packages/bench/scripts/knob-convergence.mjs [--steps 400] [--lr 1e-3] [--json FILE]
 */
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { useBackend } from '@shampoo-ts/backends';
import { adamw, disposeTree, initTrainState, step, valueAndGrad } from '@shampoo-ts/core';
import { adamGrafting } from '@shampoo-ts/grafting';
import { shampoo } from '@shampoo-ts/shampoo';

const argv = process.argv.slice(2);
const value = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const steps = Number(value('steps', '400'));
const lr = Number(value('lr', '1e-3'));
const B = 128;

await useBackend('wasm');

// ---------------------------------------------------------------- data
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const require = createRequire(import.meta.url);
const images = [];
const labels = [];
for (let d = 0; d < 10; d++) {
  const raw = require(`mnist/src/digits/${d}.json`).data;
  for (let i = 0; i < raw.length / 784; i++) {
    images.push(raw.slice(i * 784, (i + 1) * 784));
    labels.push(d);
  }
}
const order = images.map((_, i) => i);
const shuffle = rng(20261124);
for (let i = order.length - 1; i > 0; i--) {
  const j = Math.floor(shuffle() * (i + 1));
  [order[i], order[j]] = [order[j], order[i]];
}
const testIdx = order.slice(0, 1000);
const trainIdx = order.slice(1000);
const batchOf = (idx) =>
  tf.tidy(() => ({
    x: tf.tensor2d(idx.flatMap((i) => images[i]), [idx.length, 784]),
    y: tf.oneHot(tf.tensor1d(idx.map((i) => labels[i]), 'int32'), 10),
  }));
const pick = rng(7);
const batches = Array.from({ length: steps }, () => Array.from({ length: B }, () => trainIdx[Math.floor(pick() * trainIdx.length)]));
const test = batchOf(testIdx);

// ---------------------------------------------------------------- model
const widths = [784, 512, 512, 10];
function initParams() {
  const p = {};
  for (let k = 0; k + 1 < widths.length; k++) {
    p[`dense${k + 1}`] = { kernel: tf.randomNormal([widths[k], widths[k + 1]], 0, Math.sqrt(2 / widths[k]), 'float32', 11 + k), bias: tf.zeros([widths[k + 1]]) };
  }
  return p;
}
const logits = (p, x) =>
  tf.tidy(() => {
    let h = x;
    for (let k = 0; k + 1 < widths.length; k++) {
      h = tf.add(tf.matMul(h, p[`dense${k + 1}`].kernel), p[`dense${k + 1}`].bias);
      if (k + 2 < widths.length) h = tf.relu(h);
    }
    return h;
  });
const lossOf = (p, x, y) => tf.losses.softmaxCrossEntropy(y, logits(p, x));

// ---------------------------------------------------------------- configurations
const base = { lr, betas: [0.9, 0.999], epsilon: 1e-12, weightDecay: 1e-4, preconditionFrequency: 100, grafting: adamGrafting({ beta2: 0.999, epsilon: 1e-8 }) };
const configs = [
  ['AdamW', () => adamw({ learningRate: lr, b1: 0.9, b2: 0.999, eps: 1e-8, weightDecay: 1e-4 })],
  ['Shampoo (default: block 1024, factors every step)', () => shampoo(base)],
  ['Shampoo, factorUpdateFrequency 2', () => shampoo({ ...base, factorUpdateFrequency: 2 })],
  ['Shampoo, factorUpdateFrequency 10', () => shampoo({ ...base, factorUpdateFrequency: 10 })],
  ['Shampoo, maxPreconditionerDim 256', () => shampoo({ ...base, maxPreconditionerDim: 256 })],
  ['Shampoo, maxPreconditionerDim 128', () => shampoo({ ...base, maxPreconditionerDim: 128 })],
];

console.log(`# knob-convergence: MLP 784-512-512-10, MNIST (9000 train / 1000 held out), batch ${B}, ${steps} steps, lr ${lr}, wasm`);
console.log(`# uptime: ${execSync('uptime').toString().trim()}`);
console.log('| optimizer | train loss, mean of last 100 steps | held-out loss | held-out accuracy | wall s |');
console.log('|---|---|---|---|---|');
const out = [];
for (const [label, make] of configs) {
  const params = initParams();
  const tx = make();
  let state = initTrainState(params, tx);
  disposeTree(params);
  const losses = [];
  const t0 = performance.now();
  for (let t = 0; t < steps; t++) {
    const { x, y } = batchOf(batches[t]);
    const old = state;
    const { loss, grads } = valueAndGrad((p) => lossOf(p, x, y), old.params);
    state = step(old, grads, tx);
    disposeTree([grads, old, x, y]);
    losses.push(loss.dataSync()[0]);
    loss.dispose();
  }
  const wall = (performance.now() - t0) / 1000;
  const [testLoss, acc] = tf.tidy(() => {
    const z = logits(state.params, test.x);
    const l = tf.losses.softmaxCrossEntropy(test.y, z).dataSync()[0];
    const a = tf.mean(tf.cast(tf.equal(tf.argMax(z, 1), tf.argMax(test.y, 1)), 'float32')).dataSync()[0];
    return [l, a];
  });
  const tail = losses.slice(-100);
  const trainLoss = tail.reduce((s, v) => s + v, 0) / tail.length;
  console.log(`| ${label} | ${trainLoss.toFixed(4)} | ${testLoss.toFixed(4)} | ${(100 * acc).toFixed(1)}% | ${wall.toFixed(0)} |`);
  out.push({ label, trainLoss, testLoss, accuracy: acc, wallSeconds: wall, losses });
  disposeTree(state);
}
if (value('json')) writeFileSync(value('json'), JSON.stringify({ steps, lr, batch: B, results: out }, null, 1));
