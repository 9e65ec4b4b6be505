import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@shampoo-ts/backends';
await useBackend('wasm');
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
function t(name, fn, reps = 31) { for (let i=0;i<3;i++) tf.dispose(tf.tidy(fn)); const ts=[]; for (let i=0;i<reps;i++){const c0=cpu(); const r=tf.tidy(fn); ts.push(cpu()-c0); tf.dispose(r);} ts.sort((x,y)=>x-y); console.log(name.padEnd(60), ts[reps>>1].toFixed(3),'ms cpu'); return ts[reps>>1]; }
const g = tf.randomNormal([512]);
t('outer matMul [512,1]x[1,512]', () => tf.matMul(tf.reshape(g,[512,1]), tf.reshape(g,[1,512])));
t('outer mul broadcast [512,1]*[1,512]', () => tf.mul(tf.reshape(g,[512,1]), tf.reshape(g,[1,512])));
t('outer matMul flags (col,col,false,true)', () => { const c = tf.reshape(g,[512,1]); return tf.matMul(c, c, false, true); });
const G = tf.randomNormal([784, 512]);
t('gram full  G Gt (784)', () => tf.matMul(G, tf.transpose(G)));
t('gram full  Gt G (512)', () => { const Gt = tf.transpose(G); return tf.matMul(Gt, G); });
t('gram split2 G (784) 3 products + concat', () => {
  const G1 = tf.slice(G, [0,0],[392,512]), G2 = tf.slice(G,[392,0],[392,512]);
  const G1t = tf.transpose(G1), G2t = tf.transpose(G2);
  return tf.concat([tf.reshape(tf.matMul(G1,G1t),[-1]), tf.reshape(tf.matMul(G1,G2t),[-1]), tf.reshape(tf.matMul(G2,G2t),[-1])]);
});
t('gram split2 via Gt column slices', () => {
  const Gt = tf.transpose(G);
  const G1 = tf.slice(G, [0,0],[392,512]), G2 = tf.slice(G,[392,0],[392,512]);
  const G1t = tf.slice(Gt, [0,0],[512,392]), G2t = tf.slice(Gt,[0,392],[512,392]);
  return tf.concat([tf.reshape(tf.matMul(G1,G1t),[-1]), tf.reshape(tf.matMul(G1,G2t),[-1]), tf.reshape(tf.matMul(G2,G2t),[-1])]);
});
const X = tf.randomNormal([784,784]); const R = tf.randomNormal([512,512]);
t('precond L D R (no transposes)', () => tf.matMul(tf.matMul(X, G), R));
t('precond via contract (2 transposes)', () => { const a = tf.matMul(tf.transpose(G), X); return tf.matMul(tf.transpose(a), R); });
t('transpose 784x512', () => tf.transpose(G));
t('transpose 784x784', () => tf.transpose(X));
t('symmetrize 784', () => tf.mul(tf.add(X, tf.transpose(X)), 0.5));
t('matmul 512^3', () => tf.matMul(R, R));
t('matmul 784x512x784', () => tf.matMul(G, tf.transpose(G)));
