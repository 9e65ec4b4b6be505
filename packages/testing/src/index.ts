/**
 * @shampoo-ts/testing: fast-check arbitraries and invariant checkers for optimizers and
 * matrix functions. See README.md for what each piece guarantees.
 */
export * from './matrix/validate.js';
export * from './matrix/dense.js';
export * from './matrix/seeded-random.js';
export * from './matrix/orthogonal.js';
export * from './matrix/spd.js';
export * from './matrix/low-rank.js';
export * from './matrix/clustered.js';
export * from './matrix/jacobi-eigen.js';
export * from './checks/symmetry.js';
export * from './checks/differences.js';
export * from './checks/orthogonality.js';
export * from './checks/eigen-residual.js';
export * from './checks/psd.js';
export * from './arbitraries/matrices.js';
export * from './arbitraries/shapes.js';
export * from './arbitraries/tensor-trees.js';
export * from './trees/tensor-spec.js';
export * from './tensors/compare.js';
export * from './harness/state-walk.js';
export * from './harness/transform-case.js';
export * from './harness/transform-invariants.js';
export * from './harness/equivalent-transforms.js';
