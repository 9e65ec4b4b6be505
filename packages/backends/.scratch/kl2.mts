import * as tf from '@tensorflow/tfjs';
import { scaleByShampoo } from '/work/main/packages/shampoo/src/index.ts';
await tf.setBackend('cpu');
const w = { w: tf.randomNormal([6, 4], 0, 1, 'float32', 1) };
const gs = [1, 2, 3].map((s) => ({ w: tf.randomNormal([6, 4], 0, 1, 'float32', 10 + s) }));
for (const type of ['root-inverse', 'kl-shampoo']) {
  const tx = scaleByShampoo({ betas: [0, 0.9], epsilon: 1e-3, preconditionFrequency: 1, startPreconditioningStep: 1, preconditioner: { type } } as any);
  let s: any = tx.init(w);
  for (const g of gs) { const [u, n] = tx.update(g, s, w); s = n; }
  const b = s.blocks['w#0'];
  console.log(type, Object.keys(b.preconditioner), Array.from(b.preconditioner.factors[0].dataSync()).slice(0, 4), JSON.stringify(Object.keys(b)), b.preconditioner.roots);
}
