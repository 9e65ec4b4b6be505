/**
 * When the wasm backend cannot load its binary, the error names every URL it tried and
 * what happened there; a malformed wasmPaths is refused before anything changes.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend, nodeWasmDirectory, WASM_BINARY_NAMES } from '@shampoo-ts/backends';
import { describeWasmFailure, wasmBinaryLocations } from '../src/wasm-load-failure.js';

describe('describeWasmFailure', () => {
  it('in Node, names each binary under a folder that does not exist as missing', async () => {
    const text = await describeWasmFailure('/nonexistent-shampoo-ts/');
    for (const name of WASM_BINARY_NAMES) expect(text).toContain(`/nonexistent-shampoo-ts/${name}: missing`);
  });

  it('reports the installed binaries as present', async () => {
    const dir = nodeWasmDirectory() as string;
    const text = await describeWasmFailure(dir);
    expect(text.split('; ')).toEqual(WASM_BINARY_NAMES.map((name) => `${dir}${name}: ok`));
  });

  it('over http, gives each URL its status or the fetch error', async () => {
    const seen: Array<[string, string | undefined]> = [];
    const fetcher = async (url: string, init?: { method?: string }) => {
      seen.push([url, init?.method]);
      if (url.endsWith('-simd.wasm') && !url.includes('threaded')) return { ok: false, status: 404, statusText: 'Not Found' };
      if (url.includes('threaded')) throw new Error('connection refused');
      return { ok: true, status: 200 };
    };
    const text = await describeWasmFailure('http://127.0.0.1:9/app/wasm/', fetcher, undefined);
    expect(text).toBe(
      'http://127.0.0.1:9/app/wasm/tfjs-backend-wasm.wasm: ok; ' +
        'http://127.0.0.1:9/app/wasm/tfjs-backend-wasm-simd.wasm: HTTP 404 Not Found; ' +
        'http://127.0.0.1:9/app/wasm/tfjs-backend-wasm-threaded-simd.wasm: fetch failed: connection refused',
    );
    expect(seen.every(([, method]) => method === 'HEAD')).toBe(true);
  });

  it('takes a file map entry by entry', () => {
    const map = { 'tfjs-backend-wasm.wasm': 'a', 'tfjs-backend-wasm-simd.wasm': 'b', 'tfjs-backend-wasm-threaded-simd.wasm': 'c' };
    expect(wasmBinaryLocations(map)).toEqual(['a', 'b', 'c']);
  });
});

describe("useBackend('wasm') wasmPaths", () => {
  it.each([
    ['a prefix without a trailing slash', 'http://x/wasm', /wasmPaths is 'http:\/\/x\/wasm'; allowed: a URL or folder ending in '\/'/],
    ['a map missing a binary', { 'tfjs-backend-wasm.wasm': 'a' }, /wasmPaths is an object without tfjs-backend-wasm-simd\.wasm, tfjs-backend-wasm-threaded-simd\.wasm; allowed/],
    ['a number', 3, /wasmPaths is number; allowed/],
  ])('refuses %s and leaves the active backend as it was', async (_what, wasmPaths, message) => {
    await useBackend('cpu');
    await expect(useBackend('wasm', { wasm: { wasmPaths: wasmPaths as never } })).rejects.toThrow(message);
    expect(tf.getBackend()).toBe('cpu');
  });
});
