import * as tf from '@tensorflow/tfjs';
import { shampoo, klShampoo } from '/work/main/packages/shampoo/src/index.ts';
await tf.setBackend('cpu');
const w = { w: tf.randomNormal([6, 4], 0, 1, 'float32', 1) };
const gs = [1, 2, 3, 4, 5, 6].map((s) => ({ w: tf.randomNormal([6, 4], 0, 1, 'float32', 10 + s) }));
for (const make of [shampoo, klShampoo]) {
  const tx = make({ lr: 0.01, betas: [0, 0.9], epsilon: 1e-3, preconditionFrequency: 1, startPreconditioningStep: 1 } as any);
  let s = tx.init(w);
  const out: string[] = [];
  for (const g of gs) { const [u, n] = tx.update(g, s, w); out.push(Array.from((u as any).w.dataSync() as Float32Array).slice(0, 3).map((v) => v.toFixed(6)).join(',')); s = n; }
  console.log(make.name, out.join(' | '));
}
