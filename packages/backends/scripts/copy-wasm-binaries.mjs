#!/usr/bin/env node
// Copies the installed @tensorflow/tfjs-backend-wasm binaries into packages/backends/wasm/,
// where src/wasm-binaries.ts references them with `new URL('../wasm/…', import.meta.url)`
// so that bundlers ship them with the app. Fails if the installed version differs from
// TFJS_WASM_VERSION in src/wasm-binaries.ts (the binaries must match the JS glue).
import { createRequire } from 'node:module';
import { copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const packageRoot = join(here, '..');
const require = createRequire(import.meta.url);

/** Copies the binaries (skipping up-to-date copies) and returns the destination folder. */
export function copyWasmBinaries() {
  const source = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
  const installed = JSON.parse(readFileSync(join(source, '..', 'package.json'), 'utf8')).version;
  const expected = /TFJS_WASM_VERSION = '([^']+)'/.exec(readFileSync(join(packageRoot, 'src', 'wasm-binaries.ts'), 'utf8'))[1];
  if (installed !== expected) {
    throw new Error(`copy-wasm-binaries: installed @tensorflow/tfjs-backend-wasm is ${installed}; allowed: ${expected} (update TFJS_WASM_VERSION in src/wasm-binaries.ts)`);
  }
  const dest = join(packageRoot, 'wasm');
  mkdirSync(dest, { recursive: true });
  for (const name of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
    const from = join(source, name);
    const to = join(dest, name);
    let fresh = false;
    try { fresh = statSync(to).size === statSync(from).size && statSync(to).mtimeMs >= statSync(from).mtimeMs; } catch { fresh = false; }
    if (!fresh) copyFileSync(from, to);
  }
  return dest;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) copyWasmBinaries();
