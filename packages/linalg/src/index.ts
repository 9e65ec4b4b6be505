/**
 * @shampoo-ts/linalg: float64 matrix functions on the host (Float64Array, row-major) and
 * float32 on-device iterations (tfjs ops). See docs/linalg.md.
 */
export type { SymmetricEigen, SymmetricEigenOptions } from './symmetricEigen.js';
export { symmetricEigenJs } from './symmetricEigen.js';
export { symmetricEigen, type EigenKernel, type EigenDispatchOptions } from './eigenDispatch.js';
export { matrixPowerFromEigen, type MatrixPowerOptions } from './matrixPowerFromEigen.js';
export type { InverseRootResult, RootResult, Termination } from './rootResult.js';
export { inverseRoot, type InverseRootOptions, type RankDeficiency } from './inverseRoot.js';
export { coupledNewtonInverseRoot, type CoupledNewtonOptions, type CoupledRootResult } from './coupledNewton.js';
export {
  coupledHigherOrderInverseRoot,
  HIGHER_ORDER_RESIDUAL_LIMIT,
  type CoupledHigherOrderOptions,
} from './coupledHigherOrder.js';
export { qrIterationEigenbasis, type QrIterationOptions } from './qrIteration.js';
export { basisFit, type BasisFit } from './basisFit.js';
export { householderQr } from './householderQr.js';
export { newtonSchulz, MUON_COEFFICIENTS, type NewtonSchulzOptions } from './newtonSchulz.js';
export { polarFactor } from './polarFactor.js';
export { packSymmetric, unpackSymmetric, packedLength } from './packing.js';
export { traceScale } from './traceScale.js';
export { frobeniusNorm } from './matrixBasics.js';
export { matmul } from './matmul.js';
export { symmetricRankKUpdate, type RankKUpdateOptions } from './rankK.js';
export { DEFAULT_SYMMETRY_TOLERANCE } from './check.js';
export {
  newtonInverseRootTensor,
  type NewtonInverseRootTensorOptions,
  type NewtonInverseRootTensorResult,
} from './tensor/newtonInverseRootTensor.js';
export { newtonSchulzTensor } from './tensor/newtonSchulzTensor.js';
export { qrIterationStepTensor, type QrIterationStepTensorResult } from './tensor/qrIterationStepTensor.js';
export * from './wasm/index.js';
