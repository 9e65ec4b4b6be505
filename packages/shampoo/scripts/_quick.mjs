// quick baseline: kernel profile of one Shampoo update on wasm
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@shampoo-ts/backends';
import { adamw, initTrainState, step, valueAndGrad, disposeTree } from '@shampoo-ts/core';
import { adamGrafting } from '@shampoo-ts/grafting';
const which = process.argv[2] ?? 'after';
const sh = which === 'before' ? await import('/tmp/before/node_modules/@shampoo-ts/shampoo/dist/index.js') : await import('@shampoo-ts/shampoo');
await useBackend('wasm');
console.log(tf.getBackend());
const B = Number(process.argv[3] ?? 128);
const widths = [784, 512, 512, 10];
const params = {};
for (let i = 0; i < 3; i++) params[`dense${i + 1}`] = { kernel: tf.randomNormal([widths[i], widths[i + 1]], 0, 0.05), bias: tf.zeros([widths[i + 1]]) };
const x = tf.randomNormal([B, 784]);
const y = tf.oneHot(tf.randomUniform([B], 0, 10, 'int32'), 10);
const loss = (p) => tf.tidy(() => {
  let h = x;
  for (let i = 0; i < 3; i++) { h = tf.add(tf.matMul(h, p[`dense${i + 1}`].kernel), p[`dense${i + 1}`].bias); if (i < 2) h = tf.relu(h); }
  return tf.losses.softmaxCrossEntropy(y, h);
});
const tx = sh.shampoo({ lr: 1e-3, betas: [0.9, 0.999], epsilon: 1e-12, weightDecay: 1e-4, preconditionFrequency: 100, maxPreconditionerDim: 1024, grafting: adamGrafting({ beta2: 0.999, epsilon: 1e-8 }) });
let st = initTrainState(params, tx);
const { grads } = valueAndGrad(loss, st.params);
// jump to step 99 so the next is a root step
const [s0, ...rest] = st.optState;
let opt = [{ ...s0, step: 99 }, ...rest];
let t0 = performance.now();
let r = tx.update(grads, opt, st.params);
console.log('root step update ms', performance.now() - t0);
disposeTree(r[0]);
opt = r[1];
for (let i = 0; i < 3; i++) { r = tx.update(grads, opt, st.params); disposeTree(r[0]); disposeTree(opt); opt = r[1]; }
const times = [];
for (let i = 0; i < 10; i++) { t0 = performance.now(); r = tx.update(grads, opt, st.params); times.push(performance.now() - t0); disposeTree(r[0]); disposeTree(opt); opt = r[1]; }
times.sort((a, b) => a - b);
console.log('update ms median', times[5].toFixed(1), times.map((t) => t.toFixed(0)).join(' '));
const prof = await tf.profile(() => { const r2 = tx.update(grads, opt, st.params); disposeTree(r2[0]); disposeTree(r2[1]); });
const agg = new Map();
let sum = 0;
for (const k of prof.kernels) { const a = agg.get(k.name) ?? { n: 0, ms: 0 }; a.n++; a.ms += k.kernelTimeMs; sum += k.kernelTimeMs; agg.set(k.name, a); }
console.log('kernels', prof.kernels.length, 'kernel ms', sum.toFixed(1));
console.log([...agg].sort((a, b) => b[1].ms - a[1].ms).map(([n, a]) => `${n} x${a.n} ${a.ms.toFixed(1)}ms`).join('\n'));
for (const k of prof.kernels.filter((k) => k.name === 'BatchMatMul' || k.name === 'GatherV2')) console.log(k.name, JSON.stringify(k.inputShapes), k.kernelTimeMs.toFixed(2));
