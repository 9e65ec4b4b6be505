import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@shampoo-ts/backends';
import { disposeTree } from '@shampoo-ts/core';
import { adamGrafting } from '@shampoo-ts/grafting';
const sh = await import('../dist/index.js');
await useBackend('wasm');
const widths = [784, 512, 512, 10];
const params = {}, grads = {};
for (let i = 0; i < 3; i++) { params[`d${i}`] = { kernel: tf.randomNormal([widths[i], widths[i + 1]], 0, 0.05), bias: tf.zeros([widths[i + 1]]) }; grads[`d${i}`] = { kernel: tf.randomNormal([widths[i], widths[i + 1]], 0, 0.05), bias: tf.randomNormal([widths[i + 1]]) }; }
const tx = sh.scaleByShampoo({ lr: 1e-3, betas: [0.9, 0.999], epsilon: 1e-12, weightDecay: 1e-4, preconditionFrequency: 100, grafting: adamGrafting({ beta2: 0.999, epsilon: 1e-8 }) });
let opt = { ...tx.init(params), step: 99 };
let r = tx.update(grads, opt, params); disposeTree(r[0]); opt = r[1];
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
const session = new Session(); session.connect();
await session.post('Profiler.enable'); await session.post('Profiler.start');
const ts = [];
for (let i = 0; i < Number(process.argv[2] ?? 30); i++) { const c0 = cpu(); r = tx.update(grads, opt, params); disposeTree(r[0]); disposeTree(opt); opt = r[1]; ts.push(cpu() - c0); }
ts.sort((a, b) => a - b); console.log('update cpu median', ts[ts.length >> 1].toFixed(1), 'min', ts[0].toFixed(1));
const { profile } = await session.post('Profiler.stop');
writeFileSync('/tmp/loop.cpuprofile', JSON.stringify(profile));
