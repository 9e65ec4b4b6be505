import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@shampoo-ts/backends';
await useBackend('wasm');
const a = tf.randomNormal([784, 512]), b = tf.randomNormal([784, 512]);
const at = tf.transpose(a), bt = tf.transpose(b);
function t(name, f, flops) { for (let i=0;i<2;i++) f().dispose(); const ts=[]; for (let i=0;i<7;i++){const t0=performance.now(); const r=f(); r.dataSync(); ts.push(performance.now()-t0); r.dispose();} ts.sort((x,y)=>x-y); console.log(name, ts[3].toFixed(1),'ms', (flops/ts[3]/1e6).toFixed(1),'GFLOP/s'); }
const F = 2*784*784*512;
t('A B^T  (784x512)(512x784) nn via transposeB', () => tf.matMul(a, b, false, true), F);
t('A^T B  (512x784)(784x512) transposeA', () => tf.matMul(a, b, true, false), 2*512*512*784);
t('at(512x784) x b(784x512) no transpose', () => tf.matMul(at, b), 2*512*512*784);
t('a x bt no transpose (784x512)(512x784)', () => tf.matMul(a, bt), F);
t('transpose 784x512', () => tf.transpose(a), 1);
const x = tf.randomNormal([784,784]);
t('X^T G (transposeA) 784x784 . 784x512', () => tf.matMul(x, a, true, false), 2*784*784*512);
t('X G no transpose', () => tf.matMul(x, a), 2*784*784*512);
