/**
 * The linalg WebAssembly module (packages/linalg/assembly/, f64x2 SIMD), embedded as
 * base64 and instantiated synchronously on first use: no fetch, no file access, no
 * bundler configuration. One instance per JavaScript realm (each worker gets its own).
 *
 * The module has no allocator: a call reserves the workspace it needs from `heapBase()`
 * upwards (growing the memory when needed; it never shrinks, use
 * {@link releaseLinalgWasm} to drop it), copies its inputs in, runs, and copies its
 * outputs out, so nothing the caller holds points into wasm memory.
 */
import { LINALG_WASM_BASE64 } from './generated/linalg-wasm.js';

/** The raw exports; every pointer is a byte offset into `memory`. */
export interface LinalgWasmExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  eigWorkBytes(n: number): number;
  eigValuesOffset(n: number): number;
  eigVectorsOffset(n: number): number;
  eigRun(n: number, base: number): number;
  gemmScratchBytes(): number;
  gemmSetScratch(ptr: number): void;
  gemm(
    m: number, n: number, k: number, alpha: number,
    a: number, lda: number, transA: number,
    b: number, ldb: number, transB: number,
    beta: number, c: number, ldc: number,
  ): void;
  symmetricProduct(
    m: number, k: number, alpha: number,
    x: number, ldx: number, y: number, ldy: number, trans: number,
    beta: number, c: number, ldc: number,
  ): void;
  scaleColumns(n: number, q: number, w: number, x: number): void;
}

const PAGE = 65536;
let bytesCache: Uint8Array<ArrayBuffer> | undefined;
let supported: boolean | undefined;
let instance: LinalgWasmExports | undefined;

function moduleBytes(): Uint8Array<ArrayBuffer> {
  if (bytesCache === undefined) {
    const text = atob(LINALG_WASM_BASE64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    bytesCache = bytes;
  }
  return bytesCache;
}

/**
 * Whether this runtime can run the module: WebAssembly with 128-bit SIMD (Node >= 16.4,
 * current browsers). Decided by validating the module itself, once.
 */
export function linalgWasmSupported(): boolean {
  if (supported === undefined) {
    supported = typeof WebAssembly === 'object' && typeof WebAssembly.validate === 'function' && WebAssembly.validate(moduleBytes());
  }
  return supported;
}

/** The instantiated module; throws (naming the caller) where WebAssembly SIMD is unavailable. */
export function linalgWasm(caller: string): LinalgWasmExports {
  if (instance === undefined) {
    if (!linalgWasmSupported()) {
      throw new Error(
        `${caller}: this runtime has no WebAssembly with 128-bit SIMD, which the wasm kernels need; ` +
          `use kernel 'js' (or 'auto', which falls back to it)`,
      );
    }
    const module = new WebAssembly.Module(moduleBytes());
    const abort = (): never => {
      throw new Error(`${caller}: the linalg WebAssembly module aborted`);
    };
    instance = new WebAssembly.Instance(module, { env: { abort } }).exports as unknown as LinalgWasmExports;
  }
  return instance;
}

/**
 * Reserves `bytes` of workspace and returns its 16-byte aligned start. Views of
 * `memory.buffer` made before this call may be detached by it.
 */
export function reserveWorkspace(w: LinalgWasmExports, bytes: number): number {
  const base = w.heapBase() >>> 0;
  const need = base + bytes;
  const have = w.memory.buffer.byteLength;
  if (need > have) {
    const pages = Math.ceil((need - have) / PAGE);
    try {
      w.memory.grow(pages);
    } catch (err) {
      throw new Error(`linalg wasm: could not grow memory to ${need} bytes (${(err as Error).message})`);
    }
  }
  return base;
}

/**
 * Lays out `sizes` (in doubles) one after the other, 16-byte aligned, followed by the
 * GEMM packing scratch, reserves the total and points the GEMM at its scratch. Returns
 * the byte offset of each region.
 */
export function layoutWorkspace(w: LinalgWasmExports, sizes: readonly number[]): number[] {
  const offsets: number[] = [];
  let bytes = 0;
  for (const size of sizes) {
    offsets.push(bytes);
    bytes += Math.ceil((size * 8) / 16) * 16;
  }
  const scratch = bytes;
  bytes += w.gemmScratchBytes() >>> 0;
  const base = reserveWorkspace(w, bytes);
  w.gemmSetScratch(base + scratch);
  return offsets.map((o) => base + o);
}

/** A Float64Array view of `length` doubles at byte offset `ptr` (valid until the next reserve). */
export function f64View(w: LinalgWasmExports, ptr: number, length: number): Float64Array {
  return new Float64Array(w.memory.buffer, ptr, length);
}

/** Drops the instance and its memory; the next call instantiates a fresh one. */
export function releaseLinalgWasm(): void {
  instance = undefined;
}
