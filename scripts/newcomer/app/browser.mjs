// The browser app: bundled by esbuild (--platform=browser, --loader:.wasm=file) and run in
// headless Chromium. The wasm binaries are imported from the installed
// @shampoo-ts/backends/wasm/ (esbuild copies them and gives their URLs); the webgpu backend,
// an optional peer, is imported by the app, as a tfjs app does.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import * as core from '@shampoo-ts/core';
import * as shampoo from '@shampoo-ts/shampoo';
import * as grafting from '@shampoo-ts/grafting';
import { useBackend } from '@shampoo-ts/backends';
import plain from '@shampoo-ts/backends/wasm/tfjs-backend-wasm.wasm';
import simd from '@shampoo-ts/backends/wasm/tfjs-backend-wasm-simd.wasm';
import threaded from '@shampoo-ts/backends/wasm/tfjs-backend-wasm-threaded-simd.wasm';
import { train, verdict } from './train.mjs';

const wasmPaths = { 'tfjs-backend-wasm.wasm': plain, 'tfjs-backend-wasm-simd.wasm': simd, 'tfjs-backend-wasm-threaded-simd.wasm': threaded };

globalThis.newcomer = {
  /** Starts `backend` and trains; wasmPaths 'bad' points the wasm backend at a folder that does not exist. */
  async run(backend, paths) {
    try {
      const info = await useBackend(backend, { wasm: { wasmPaths: paths === 'bad' ? '/no-such-folder/' : wasmPaths } });
      await tf.ready();
      return { info, ...verdict(await train({ tf, core, shampoo, grafting }, 12)) };
    } catch (e) {
      return { ok: false, detail: String(e && e.message) };
    }
  },
};
