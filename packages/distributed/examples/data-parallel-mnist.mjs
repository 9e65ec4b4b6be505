#!/usr/bin/env node
// Data-parallel training of the demo's MNIST convnet with distributed Shampoo.
//
//   npm run build
//   node packages/distributed/examples/data-parallel-mnist.mjs                 # 1 rank
//   mpirun -np 2 node packages/distributed/examples/data-parallel-mnist.mjs    # 2 ranks
//   (as root, or with more ranks than cores, add --allow-run-as-root --oversubscribe)
//
// Every rank holds the whole model, takes its 1/N share of each global batch, computes
// its gradient, and steps with distributedShampoo: the gradients are averaged over the
// ranks, each rank computes the Shampoo directions of its blocks only, and one all-gather
// shares them. The ranks' parameters stay bitwise identical (checked at the end). They
// equal, bit for bit, a 1-rank run fed the rank-ordered mean of the ranks' gradients; a
// 1-rank run on the full batch differs from that only by the float32 rounding of the mean
// (mean of two half-batch means vs one full-batch mean).
//
// Flags: --steps N (default 100), --batch N (global batch, default 64), --backend cpu|wasm
// (default wasm), --dtype float32|float16|bfloat16 (direction all-gather, default float32).
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { disposeTree, initTrainState, leaves, step, valueAndGrad } from '@shampoo-ts/core';
import { tensorsIn } from '@shampoo-ts/core/authoring';
import { adamGrafting } from '@shampoo-ts/grafting';
import { useBackend } from '@shampoo-ts/backends';
import { distributedShampoo, mpiCommunicator, mpiUnavailableReason, singleProcessCommunicator } from '@shampoo-ts/distributed';

const { values: flags } = parseArgs({
  options: {
    steps: { type: 'string', default: '100' },
    batch: { type: 'string', default: '64' },
    backend: { type: 'string', default: 'wasm' },
    dtype: { type: 'string', default: 'float32' },
  },
});
const steps = Number(flags.steps);
const globalBatch = Number(flags.batch);

// Under mpirun: the MPI communicator; alone (or without Open MPI): one process.
const comm = mpiUnavailableReason() === undefined ? mpiCommunicator() : singleProcessCommunicator();
if (globalBatch % comm.size !== 0) throw new RangeError(`--batch ${globalBatch} is not a multiple of the ${comm.size} ranks`);
const localBatch = globalBatch / comm.size;
await useBackend(flags.backend);
const log = (line) => comm.rank === 0 && console.log(line);

// MNIST: the 10,000 digits of the `mnist` package, in a fixed shuffled order (the same on every rank).
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const require = createRequire(import.meta.url);
const images = [];
const labels = [];
for (let d = 0; d < 10; d++) {
  const raw = require(`mnist/src/digits/${d}.json`).data;
  for (let i = 0; i < raw.length; i += 784) {
    images.push(raw.slice(i, i + 784));
    labels.push(d);
  }
}
const random = mulberry32(1);
const order = images.map((_, i) => i);
for (let i = order.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [order[i], order[j]] = [order[j], order[i]];
}
const testIds = order.slice(0, 2000);
const trainIds = order.slice(2000);
const batchOf = (ids) => ({
  x: tf.tensor4d(ids.flatMap((i) => images[i]), [ids.length, 28, 28, 1]),
  y: tf.oneHot(tf.tensor1d(ids.map((i) => labels[i]), 'int32'), 10).toFloat(),
});

// The demo's convnet: conv3x3(16)-pool-conv3x3(32)-pool-dense(10), He-normal kernels.
const shapes = { conv1: { kernel: [3, 3, 1, 16], bias: [16] }, conv2: { kernel: [3, 3, 16, 32], bias: [32] }, dense: { kernel: [800, 10], bias: [10] } };
const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const params = {};
for (const [layer, names] of Object.entries(shapes)) {
  params[layer] = {};
  for (const [name, shape] of Object.entries(names)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const std = name === 'bias' ? 0 : Math.sqrt(2 / (size / shape[shape.length - 1]));
    params[layer][name] = tf.tensor(Float32Array.from({ length: size }, () => std * normal()), shape);
  }
}
const logits = (p, x) =>
  tf.tidy(() => {
    let h = tf.maxPool(tf.relu(tf.add(tf.conv2d(x, p.conv1.kernel, 1, 'valid'), p.conv1.bias)), 2, 2, 'valid');
    h = tf.maxPool(tf.relu(tf.add(tf.conv2d(h, p.conv2.kernel, 1, 'valid'), p.conv2.bias)), 2, 2, 'valid');
    return tf.add(tf.matMul(tf.reshape(h, [x.shape[0], 800]), p.dense.kernel), p.dense.bias);
  });
const loss = (p, x, y) => tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(logits(p, x))), 1))));

// The demo's Shampoo settings, spread over the ranks.
const tx = distributedShampoo(
  {
    lr: 3e-3,
    betas: [0.9, 0.999],
    weightDecay: 1e-4,
    preconditionFrequency: 20,
    maxPreconditionerDim: 256,
    grafting: adamGrafting({ beta2: 0.999, epsilon: 1e-8 }),
  },
  { communicator: comm, communicationDtype: flags.dtype },
);
let state = initTrainState(params, tx);
disposeTree(params);
const optimizerBytes = tensorsIn(state.optState).reduce((n, t) => n + 4 * t.size, 0);

const stepMs = [];
const gradMs = [];
let lastLoss = NaN;
const started = performance.now();
const cpuStart = process.cpuUsage();
for (let k = 0; k < steps; k++) {
  const first = (k * globalBatch) % (trainIds.length - globalBatch);
  const mine = trainIds.slice(first + comm.rank * localBatch, first + (comm.rank + 1) * localBatch);
  const { x, y } = batchOf(mine);
  const t0 = performance.now();
  const { loss: value, grads } = valueAndGrad((p) => loss(p, x, y), state.params);
  grads.dense.kernel.dataSync(); // finish the backward pass before the clock reads
  gradMs.push(performance.now() - t0);
  const next = step(state, grads, tx);
  disposeTree([state, grads]);
  state = next;
  const local = value.dataSync()[0];
  stepMs.push(performance.now() - t0);
  lastLoss = comm.allReduce(Float32Array.of(local), 'mean')[0];
  tf.dispose([x, y, value]);
  if (k % 20 === 0 || k === steps - 1) log(`step ${k + 1}: train loss ${lastLoss.toFixed(4)}`);
}
const totalMs = performance.now() - started;
const cpu = process.cpuUsage(cpuStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;

// The replicas must be identical: compare a checksum of every parameter over the ranks.
const flat = leaves(state.params).flatMap((t) => Array.from(t.dataSync()));
const checksum = Float64Array.of(flat.reduce((s, v, i) => s + v * ((i % 7) + 1), 0));
const sums = comm.allGather(new Uint8Array(checksum.buffer)).map((b) => new Float64Array(b.slice().buffer)[0]);
const test = batchOf(testIds);
const accuracy = tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(logits(state.params, test.x), 1), tf.argMax(test.y, 1)), 'float32')).dataSync()[0]);
const perRank = comm
  .allGather(new Uint8Array(Float64Array.of(optimizerBytes, process.memoryUsage().rss, cpuSeconds).buffer))
  .map((b) => Array.from(new Float64Array(b.slice().buffer)));
const medianOf = (xs) => [...xs.slice(1)].sort((a, b) => a - b)[(xs.length - 1) >> 1];
log(`ranks ${comm.size}, global batch ${globalBatch} (${localBatch} per rank), ${steps} steps, backend ${tf.getBackend()}, directions in ${flags.dtype}`);
log(
  `time: ${(totalMs / 1000).toFixed(2)} s total, median step ${medianOf(stepMs).toFixed(1)} ms ` +
    `(forward+backward ${medianOf(gradMs).toFixed(1)} ms, optimizer ${medianOf(stepMs.map((t, i) => t - gradMs[i])).toFixed(1)} ms), ` +
    `mean step ${(stepMs.reduce((a, b) => a + b, 0) / steps).toFixed(1)} ms`,
);
log(`final train loss ${lastLoss.toFixed(4)}, test accuracy ${(100 * accuracy).toFixed(2)} % (2,000 held-out digits)`);
perRank.forEach(([bytes, rss, seconds], r) =>
  log(`rank ${r}: optimizer state ${(bytes / 1024).toFixed(1)} KiB, process RSS ${(rss / 2 ** 20).toFixed(0)} MiB, CPU time in the training loop ${seconds.toFixed(2)} s`),
);
log(`replicas identical: ${sums.every((s) => s === sums[0])}`);
disposeTree([state, test.x, test.y]);
comm.close();
