import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@shampoo-ts/backends';
await useBackend('wasm');
const n = 784, m = 512;
const a = tf.randomNormal([n, m]), at = tf.transpose(a), f = tf.randomNormal([n, n]), fp = tf.randomNormal([n*(n+1)/2]);
const idxData = new Int32Array(n*(n+1)/2); { let k=0; for (let i=0;i<n;i++) for (let j=i;j<n;j++) idxData[k++]=i*n+j; }
const idx = tf.tensor1d(idxData, 'int32');
const flat = tf.reshape(f, [n*n]);
function t(name, fn) { for (let i=0;i<3;i++) tf.dispose(fn()); const ts=[]; for (let i=0;i<15;i++){const t0=performance.now(); const r=fn(); ts.push(performance.now()-t0); tf.dispose(r);} ts.sort((x,y)=>x-y); console.log(name.padEnd(50), ts[7].toFixed(2),'ms'); return ts[7]; }
t('matmul a(784x512) at(512x784)', () => tf.matMul(a, at));
t('matmul at(512x784) a(784x512)', () => tf.matMul(at, a));
t('transpose 784x512', () => tf.transpose(a));
t('gather cached idx 614k->307k', () => tf.gather(flat, idx));
t('gather + upload idx', () => { const i = tf.tensor1d(idxData, 'int32'); const r = tf.gather(flat, i); i.dispose(); return r; });
t('upload idx only', () => tf.tensor1d(idxData, 'int32'));
t('add 614k', () => tf.add(f, f));
t('mul scalar 614k', () => tf.mul(f, 0.999));
t('add 307k', () => tf.add(fp, fp));
t('mul scalar 307k', () => tf.mul(fp, 0.999));
t('add 401k (784x512)', () => tf.add(a, a));
t('sqrt 401k', () => tf.sqrt(a));
t('div 401k', () => tf.div(a, a));
t('square 401k', () => tf.square(a));
t('norm 401k', () => tf.norm(a));
t('sum(square) 401k', () => tf.sum(tf.square(a)));
t('tiny add scalar', () => tf.add(tf.scalar(1), 2));
t('tiny add 10 ops', () => { const s=tf.scalar(1); let r=s; for (let i=0;i<10;i++) r=tf.add(r, 1); return r; });
console.log(tf.memory().numTensors);
