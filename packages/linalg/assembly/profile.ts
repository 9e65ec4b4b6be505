// A second entry point, for profiling only (scripts/profile-eigen.mjs compiles it; the
// shipped module is index.ts): the three phases of eigRun as separate exports, so that
// each can be timed on its own, plus the products the roots use.

export { eigReduce, eigSolve, eigBackTransform, eigWorkBytes, eigValuesOffset, eigVectorsOffset } from './eigen';
export { gemm, gemmScratchBytes, gemmSetScratch } from './gemm';
export { symmetricProduct, scaleColumns } from './symmetric';
export { heapBase } from './index';
