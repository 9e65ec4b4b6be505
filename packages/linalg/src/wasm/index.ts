export { symmetricEigenWasm } from './symmetricEigenWasm.js';
export { matmulWasm, symmetricRankKUpdateWasm, congruenceWithDiagonalWasm } from './products.js';
export { linalgWasmSupported, releaseLinalgWasm } from './linalgWasm.js';
