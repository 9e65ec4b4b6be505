import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@shampoo-ts/backends';
await useBackend('wasm');
const a = tf.randomNormal([784, 512]);
function t(name, fn) { for (let i=0;i<3;i++) tf.dispose(fn()); const ts=[]; for (let i=0;i<15;i++){const t0=performance.now(); const r=fn(); ts.push(performance.now()-t0); tf.dispose(r);} ts.sort((x,y)=>x-y); console.log(name.padEnd(50), ts[7].toFixed(3),'ms'); return ts[7]; }
t('sum all', () => tf.sum(a));
t('sum axis 1', () => tf.sum(a, 1));
t('sum axis 0', () => tf.sum(a, 0));
t('sum of flat 1d', () => tf.sum(tf.reshape(a, [-1])));
t('sum reshape [-1,64] axis1 then all', () => tf.sum(tf.sum(tf.reshape(a, [-1, 64]), 1)));
t('dot 1xN Nx1 matmul', () => { const f = tf.reshape(a, [1, -1]); const g = tf.reshape(a, [-1, 1]); return tf.matMul(f, g); });
t('matmul [784,512]x[512,1] ones then sum', () => tf.sum(tf.matMul(tf.square(a), tf.ones([512,1]))));
t('max all', () => tf.max(a));
t('mean all', () => tf.mean(a));
t('euclideanNorm', () => tf.euclideanNorm(a));
