/**
 * The embedded module (src/wasm/generated/linalg-wasm.ts, committed) must be what the
 * AssemblyScript sources compile to: a stale file would silently run old kernels.
 * Fix a failure with `npm run build:wasm -w @shampoo-ts/linalg`.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { LINALG_WASM_BASE64, LINALG_WASM_SOURCE_SHA256 } from '../src/wasm/generated/linalg-wasm.js';
import { compileLinalgWasm, generatedPath, renderModule, sourceDigest } from '../scripts/build-wasm.mjs';

describe('embedded linalg wasm', () => {
  it('was generated from the current assembly/ sources, compiler and flags', () => {
    expect(LINALG_WASM_SOURCE_SHA256).toBe(sourceDigest());
  });

  it('is byte for byte a fresh compile of them (and the generated file is exactly what the script writes)', async () => {
    const bytes = await compileLinalgWasm();
    expect(Buffer.from(LINALG_WASM_BASE64, 'base64').equals(Buffer.from(bytes))).toBe(true);
    expect(readFileSync(generatedPath, 'utf8')).toBe(renderModule(bytes, sourceDigest()));
  });
});
