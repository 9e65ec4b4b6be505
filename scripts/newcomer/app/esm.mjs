// The ESM path: import the packages as a Node ESM app does, train on the wasm backend
// (binaries found in the installed @tensorflow/tfjs-backend-wasm) and on cpu.
import * as tf from '@tensorflow/tfjs';
import * as core from '@shampoo-ts/core';
import * as shampoo from '@shampoo-ts/shampoo';
import * as grafting from '@shampoo-ts/grafting';
import { useBackend } from '@shampoo-ts/backends';
import { train, verdict } from './train.mjs';

const results = [];
for (const backend of ['wasm', 'cpu']) {
  await useBackend(backend);
  results.push({ name: `node esm on ${backend}`, ...verdict(await train({ tf, core, shampoo, grafting })) });
}
console.log(JSON.stringify(results));
