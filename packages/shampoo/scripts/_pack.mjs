import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@shampoo-ts/backends';
await useBackend('wasm');
function t(name, fn) { for (let i=0;i<3;i++) tf.dispose(fn()); const ts=[]; for (let i=0;i<21;i++){const t0=performance.now(); const r=tf.tidy(fn); ts.push(performance.now()-t0); tf.dispose(r);} ts.sort((x,y)=>x-y); console.log(name.padEnd(50), ts[10].toFixed(3),'ms'); return ts[10]; }
for (const n of [784, 512]) {
const f = tf.randomNormal([n, n]);
const K = n*(n+1)/2;
const idxData = new Int32Array(K); { let k=0; for (let i=0;i<n;i++) for (let j=i;j<n;j++) idxData[k++]=i*n+j; }
const idx = tf.tensor1d(idxData, 'int32');
const idx2 = tf.tensor2d(idxData, [K, 1], 'int32');
const flat = tf.reshape(f, [n*n]);
t(`n=${n} gather cached`, () => tf.gather(flat, idx));
t(`n=${n} gatherNd cached`, () => tf.gatherND(flat, idx2));
t(`n=${n} gatherNd + upload`, () => tf.gatherND(flat, tf.tensor2d(idxData, [K, 1], 'int32')));
t(`n=${n} slices+concat`, () => { const parts=[]; for (let i=0;i<n;i++) parts.push(tf.slice(f, [i, i], [1, n-i]).reshape([n-i])); return tf.concat(parts); });
const a = tf.gather(flat, idx).dataSync(), b = tf.gatherND(flat, idx2).dataSync();
console.log('equal', a.every((v,i)=>v===b[i]));
t(`n=${n} matmul nn`, () => tf.matMul(f, f));
}
