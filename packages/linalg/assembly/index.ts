// Entry point of the linalg WebAssembly module (built by scripts/build-wasm.mjs).
// No allocator: every export works on caller-provided memory from heapBase() upwards.

export { eigRun, eigWorkBytes, eigValuesOffset, eigVectorsOffset } from './eigen';
export { gemm, gemmScratchBytes, gemmSetScratch } from './gemm';
export { symmetricProduct, scaleColumns } from './symmetric';

/** First byte free for the caller's workspace (after the module's static data). */
export function heapBase(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}
