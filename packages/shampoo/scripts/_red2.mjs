import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@shampoo-ts/backends';
await useBackend('wasm');
const a = tf.randomNormal([784, 512]);
const sq = tf.square(a);
function t(name, fn) { for (let i=0;i<3;i++) tf.dispose(fn()); const ts=[]; for (let i=0;i<15;i++){const t0=performance.now(); const r=tf.tidy(fn); ts.push(performance.now()-t0); tf.dispose(r);} ts.sort((x,y)=>x-y); console.log(name.padEnd(50), ts[7].toFixed(3),'ms'); return ts[7]; }
t('square', () => tf.square(a));
t('sum(sq) precomputed', () => tf.sum(sq));
t('sum(square(a))', () => tf.sum(tf.square(a)));
t('sum(mul(a,a))', () => tf.sum(tf.mul(a, a)));
t('sum(a)', () => tf.sum(a));
t('mul(a,a)', () => tf.mul(a,a));
t('sum(abs(a))', () => tf.sum(tf.abs(a)));
const r = tf.randomUniform([784,512]);
t('sum(r) uniform', () => tf.sum(r));
t('sum(sq) again', () => tf.sum(sq));
console.log(tf.sum(sq).dataSync(), tf.sum(a).dataSync());
