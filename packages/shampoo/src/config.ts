/**
 * The hyperparameters (docs/algorithms.md#shampoo-defaults), their defaults and their validation.
 * Every invalid value is rejected at construction with a RangeError naming the parameter,
 * the value and the allowed range ("scaleByShampoo: betas[1] = 1.5 is not allowed;
 * allowed: a number in [0, 1]").
 */
import { DAMPING_FLOOR_FACTOR } from './damping-floor.js';
import { type ScalarOrSchedule } from '@shampoo-ts/core';
import { checkBoolean, checkKnownOptions } from '@shampoo-ts/core/authoring';
import { directionLearningRate } from './learning-rate.js';
import type { GraftingStrategy } from '@shampoo-ts/grafting';
import { checkWith, invalidParameter } from './validate.js';
import { validateExponentOverride, type InverseExponentOverride } from './exponents.js';
import { checkRootExecutorChoice, type RootExecutorChoice } from './executors/placement.js';
import type { InverseRootMethod } from './root-task.js';
import type { ShampooStats } from './stats.js';
import { checkRootSolver, ROOT_SOLVER_KEYS, type RootSolverSettings } from './root-solver.js';
import type { SignScale } from './variants/sign-descent.js';
import { resolveIterateAveraging, type IterateAveragingConfig } from './iterate-averaging.js';
import { descentOverrides } from './descent-settings.js';
import { consoleWarning, warnOnce } from './warnings.js';
import { checkEigenFamily, type EigendecomposedConfig, type EigenvalueCorrectedConfig } from './eigen-config.js';

/** How weight decay enters the step (docs/algorithms.md#weight-decay). */
export type WeightDecayType = 'l2' | 'decoupled' | 'corrected' | 'independent';

/** Which member of the family preconditions the blocks (docs/algorithms.md#variants). */
export type PreconditionerConfig =
  | ({ readonly type: 'root-inverse'; readonly method?: InverseRootMethod; readonly rankDeficiency?: 'perturbation' | 'pseudo-inverse' } & RootSolverSettings)
  | EigendecomposedConfig
  | EigenvalueCorrectedConfig
  | ({ readonly type: 'kl-shampoo'; readonly method?: InverseRootMethod } & Omit<RootSolverSettings, 'rankRtol' | 'rankAtol'>)
  | {
      readonly type: 'spectral-descent';
      /** 'newton-schulz' (default): `steps` quintic iterations; 'svd': the exact U V^T of the block (float64 on the host). */
      readonly orthogonalization?: 'newton-schulz' | 'svd';
      /** 'svd' only: multiply U V^T by the nuclear norm sum(s) of the block. Default false. */
      readonly scaleByNuclearNorm?: boolean;
      readonly steps?: number;
      readonly coefficients?: readonly [number, number, number];
      /** The factor s(dIn, dOut) multiplying the orthogonalised update of a dIn × dOut matrix (muon's default √max(1, dOut / dIn)). */
      readonly scaleByDims?: (dIn: number, dOut: number) => number;
    }
  | { readonly type: 'sign-descent'; readonly scale?: SignScale };

/** The `type` of each preconditioner. */
export type PreconditionerType = PreconditionerConfig['type'];

/** The options of eigendecomposed Shampoo and eigendecomposed KL-Shampoo. */
const EIGENDECOMPOSED_OPTION_NAMES = ['eigenbasis', 'qrSteps', 'tolerance', 'rankDeficiency', 'rankRtol', 'rankAtol'];

/**
 * The options each preconditioner type accepts besides `type`: the one list to extend when a
 * variant gains an option (an unknown key is rejected as a typo).
 */
export const PRECONDITIONER_OPTION_NAMES: Readonly<Record<PreconditionerType, readonly string[]>> = {
  'root-inverse': ['method', 'rankDeficiency', ...ROOT_SOLVER_KEYS],
  eigendecomposed: EIGENDECOMPOSED_OPTION_NAMES,
  'eigendecomposed-kl-shampoo': EIGENDECOMPOSED_OPTION_NAMES,
  'eigenvalue-corrected': ['eigenbasis', 'qrSteps', 'tolerance', 'correctionExponent', 'ignoredBasisChangeDims'],
  'kl-shampoo': ['method', ...ROOT_SOLVER_KEYS.filter((k) => k !== 'rankRtol' && k !== 'rankAtol')],
  'spectral-descent': ['orthogonalization', 'scaleByNuclearNorm', 'steps', 'coefficients', 'scaleByDims'],
  'sign-descent': ['scale'],
};

/** The options of classic momentum. */
export const MOMENTUM_OPTION_NAMES = ['momentum', 'dampening', 'nesterov'] as const;

/**
 * Classic momentum on the preconditioned direction (docs/algorithms.md#momentum); the reference's
 * ClassicMomentumConfig (momentum 0.5, dampening 0, no Nesterov by default).
 */
export interface MomentumConfig {
  /** In (0, 1). Default 0.5. */
  readonly momentum?: number;
  readonly dampening?: number;
  readonly nesterov?: boolean;
}

/**
 * The algorithm's options (every field optional, defaults in docs/algorithms.md#shampoo-defaults), apart from where and
 * how it runs (ShampooExecutionOptions).
 */
export interface ShampooAlgorithmOptions {
  /**
   * Learning rate, >= 0, or a schedule of the step count (core's ScalarOrSchedule, as
   * adamw({ learningRate })). The recipes (shampoo, soap, klShampoo, distributedShampoo)
   * evaluate a schedule at every step; scaleByShampoo alone, which reads it only for
   * 'corrected' weight decay, takes a number. Default 1e-2.
   */
  learningRate?: ScalarOrSchedule;
  /** The reference's name for `learningRate` (an alias: give one of the two). */
  lr?: ScalarOrSchedule;
  /**
   * The peak of the lr schedule, which 'corrected' (wd lr / peakLr) and 'independent'
   * (wd / peakLr) weight decay divide by: required with those two types, ignored otherwise.
   * No default: under injectHyperparams lr is the schedule's current value, so a default of
   * lr would turn 'corrected' into 'decoupled' (the reference remembers its constructor lr).
   */
  peakLr?: number;
  /** [beta1, beta2]. Default [0.9, 1]. */
  betas?: readonly [number, number];
  /** -1 means beta1. Default -1. */
  beta3?: number;
  epsilon?: number;
  /**
   * c of the float32 damping floor: roots damp with max(epsilon, c 2^-23 ||A||_F), so that
   * float32 device roots agree with float64 host roots on rank-deficient factors
   * (damping-floor.ts, docs/backends.md#root-precision). Finite, >= 0; 0 turns it off (the
   * reference's behaviour). Default 1024 (DAMPING_FLOOR_FACTOR).
   */
  dampingFloor?: number;
  weightDecay?: number;
  weightDecayType?: WeightDecayType;
  maxPreconditionerDim?: number;
  /** Order blocks are merged down to (mergeSmallDims target). Default 1. */
  targetParameterDimensionality?: number;
  preconditionFrequency?: number;
  /**
   * Update the factor matrices every k steps (on steps 1, k + 1, 2k + 1, ...), k >= 1.
   * Default 1 (every step, the reference's behaviour). k > 1 skips the Gram products on the
   * other steps, about half of Shampoo's per-step extra work; see docs/tuning.md.
   */
  factorUpdateFrequency?: number;
  /** -1 means preconditionFrequency. Infinity allowed (never precondition). */
  startPreconditioningStep?: number;
  /**
   * Spread the root computations of the blocks over the steps: block b refreshes on the
   * steps t > start with t mod preconditionFrequency = phi_b, its phase, chosen so the
   * root work per step is balanced (staggered-roots.ts); every block still once per
   * preconditionFrequency steps, and all at t = start. Default false (every block on the
   * steps t mod preconditionFrequency = 0). See docs/algorithms.md#staggered-root-refresh.
   */
  staggerRoots?: boolean;
  useBiasCorrection?: boolean;
  grafting?: GraftingStrategy | null;
  /** Classic momentum ({} = momentum 0.5); exclusive with iterateAveraging. Default null. */
  momentum?: MomentumConfig | null;
  /**
   * Generalized primal averaging or schedule-free. Applied by `shampoo(...)` after the
   * learning rate (scaleByShampoo alone returns the direction). With it, decoupled /
   * corrected / independent weight decay is left out of the direction and shrinks the
   * averaging's z instead (the reference's order). Exclusive with `momentum`.
   */
  iterateAveraging?: IterateAveragingConfig | null;
  preconditioner?: PreconditionerConfig;
  factorMatrixDtype?: 'float32';
  useSymmetricPacking?: boolean;
  useTraceScaling?: boolean;
  traceScalingExponent?: number;
  inverseExponentOverride?: InverseExponentOverride;
  numToleratedFailedAmortizedComputations?: number;
  /**
   * false drops the weight w = 1 - beta2 of new statistics (w = 1) and with it their bias
   * correction (bc2 = 1), as the reference's drop_weighting_factor_on_gsquare. Default true.
   */
  useFactorWeighting?: boolean;
}

/** How and where the algorithm runs; no effect on its mathematics. */
export interface ShampooExecutionOptions {
  /**
   * Where roots are computed (executors/placement.ts). Default 'auto': decided at init() from
   * tf.getBackend(), host float64 on cpu/wasm/tfjs-node, device float32 on webgpu/webgl.
   * Or 'host-float64', 'device-float32', or any RootExecutor.
   */
  rootExecutor?: RootExecutorChoice;
  /** Called with a message when a root computation fails and the previous root is kept. Default console.warn. */
  onWarning?: (message: string) => void;
  /**
   * Called after every step with each block's condition numbers, root ages, failure and
   * fallback counts and root time (stats.ts, ShampooStats). Default: none (nothing tracked).
   */
  onStats?: (stats: ShampooStats) => void;
}

/** Options of scaleByShampoo and of the recipes: the algorithm's and the execution's. */
export type ShampooOptions = ShampooAlgorithmOptions & ShampooExecutionOptions;

/** Options after defaults and validation. */
export interface ShampooConfig {
  readonly lr: number;
  /** null unless given (it is required for 'corrected' and 'independent' decay). */
  readonly peakLr: number | null;
  readonly beta1: number;
  readonly beta2: number;
  readonly beta3: number;
  readonly epsilon: number;
  /** c of the damping floor max(epsilon, c 2^-23 ||A||_F); 0 = off. */
  readonly dampingFloor: number;
  readonly weightDecay: number;
  readonly weightDecayType: WeightDecayType;
  readonly maxPreconditionerDim: number;
  readonly targetParameterDimensionality: number;
  readonly preconditionFrequency: number;
  readonly factorUpdateFrequency: number;
  readonly startPreconditioningStep: number;
  readonly staggerRoots: boolean;
  readonly useBiasCorrection: boolean;
  readonly grafting: GraftingStrategy | null;
  readonly momentum: Required<MomentumConfig> | null;
  readonly iterateAveraging: IterateAveragingConfig | null;
  readonly preconditioner: PreconditionerConfig;
  readonly useSymmetricPacking: boolean;
  readonly traceScalingExponent: number;
  readonly inverseExponentOverride: InverseExponentOverride;
  readonly numToleratedFailedAmortizedComputations: number;
  readonly useFactorWeighting: boolean;
}

const OWNER = 'scaleByShampoo';
/** Every top-level option of ShampooOptions. */
export const SHAMPOO_OPTION_NAMES: readonly string[] = [
  'lr', 'peakLr', 'betas', 'beta3', 'epsilon', 'dampingFloor', 'weightDecay', 'weightDecayType', 'maxPreconditionerDim',
  'targetParameterDimensionality', 'preconditionFrequency', 'startPreconditioningStep', 'useBiasCorrection',
  'grafting', 'momentum', 'iterateAveraging', 'preconditioner', 'factorMatrixDtype', 'useSymmetricPacking', 'useTraceScaling',
  'traceScalingExponent', 'inverseExponentOverride', 'numToleratedFailedAmortizedComputations',
  'useFactorWeighting', 'rootExecutor', 'onWarning', 'onStats', 'factorUpdateFrequency', 'learningRate', 'staggerRoots',
];

const num = (name: string, v: unknown, ok: (x: number) => boolean, allowed: string) => checkWith(OWNER, name, v, ok, allowed);
const finite = (x: number) => Number.isFinite(x);

function checkPreconditioner(p: unknown, epsilon: number): PreconditionerConfig {
  const types = Object.keys(PRECONDITIONER_OPTION_NAMES) as PreconditionerType[];
  if (p === null || typeof p !== 'object' || !types.includes((p as { type?: string }).type as PreconditionerType)) {
    invalidParameter(OWNER, 'preconditioner', p, `an object whose type is one of ${types.map((t) => `'${t}'`).join(', ')}`);
  }
  const c = p as PreconditionerConfig;
  checkKnownOptions(`${OWNER}: preconditioner`, c, ['type', ...PRECONDITIONER_OPTION_NAMES[c.type]]);
  const methods = ['eigen', 'newton', 'higher-order'];
  if ((c.type === 'root-inverse' || c.type === 'kl-shampoo') && c.method !== undefined && !methods.includes(c.method)) {
    invalidParameter(OWNER, 'preconditioner.method', c.method, "'eigen', 'newton' or 'higher-order'");
  }
  if (c.type === 'root-inverse') {
    const rd = c.rankDeficiency ?? 'perturbation';
    if (rd !== 'perturbation' && rd !== 'pseudo-inverse') invalidParameter(OWNER, 'preconditioner.rankDeficiency', rd, "'perturbation' or 'pseudo-inverse'");
    if (rd === 'pseudo-inverse' && epsilon !== 0) invalidParameter(OWNER, 'epsilon', epsilon, "exactly 0 with rankDeficiency 'pseudo-inverse'");
    if (rd === 'pseudo-inverse' && (c.method ?? 'eigen') !== 'eigen') invalidParameter(OWNER, 'preconditioner.method', c.method, "'eigen' with rankDeficiency 'pseudo-inverse'");
  }
  if (c.type === 'root-inverse' || c.type === 'kl-shampoo') {
    checkRootSolver(OWNER, c as unknown as Record<string, unknown>, c.method ?? 'eigen', c.type === 'root-inverse' ? c.rankDeficiency ?? 'perturbation' : 'perturbation');
  }
  if (c.type === 'spectral-descent') {
    const orth = c.orthogonalization ?? 'newton-schulz';
    if (orth !== 'newton-schulz' && orth !== 'svd') invalidParameter(OWNER, 'preconditioner.orthogonalization', orth, "'newton-schulz' or 'svd'");
    if (c.scaleByNuclearNorm !== undefined) {
      checkBoolean(OWNER, 'preconditioner.scaleByNuclearNorm', c.scaleByNuclearNorm);
      if (orth !== 'svd') invalidParameter(OWNER, 'preconditioner.scaleByNuclearNorm', c.scaleByNuclearNorm, "only with orthogonalization 'svd'");
    }
    if (orth === 'svd' && (c.steps !== undefined || c.coefficients !== undefined)) {
      invalidParameter(OWNER, c.steps !== undefined ? 'preconditioner.steps' : 'preconditioner.coefficients', c.steps ?? c.coefficients, "only with orthogonalization 'newton-schulz'");
    }
    if (c.steps !== undefined) num('preconditioner.steps', c.steps, (x) => Number.isInteger(x) && x >= 1, 'an integer >= 1');
    if (c.coefficients !== undefined && (!Array.isArray(c.coefficients) || c.coefficients.length !== 3 || !c.coefficients.every((x) => typeof x === 'number' && finite(x)))) {
      invalidParameter(OWNER, 'preconditioner.coefficients', c.coefficients, 'three finite numbers [a, b, c]');
    }
    if (c.scaleByDims !== undefined && typeof c.scaleByDims !== 'function') invalidParameter(OWNER, 'preconditioner.scaleByDims', c.scaleByDims, 'a function (dIn, dOut) => number');
  }
  if (c.type === 'sign-descent' && c.scale !== undefined && typeof c.scale !== 'function') {
    invalidParameter(OWNER, 'preconditioner.scale', c.scale, 'a function (direction) => number | Tensor');
  }
  return c;
}

/**
 * Applies defaults and validates every option (see the module comment). Sign and spectral
 * descent override the blocking and the root schedule (descent-settings.ts), reporting each
 * override and each option without effect once to options.onWarning.
 */
export function resolveShampooConfig(options: ShampooOptions = {}): ShampooConfig {
  if (options === null || typeof options !== 'object') invalidParameter(OWNER, 'options', options, 'an object');
  checkKnownOptions(OWNER, options, SHAMPOO_OPTION_NAMES);
  if (options.onWarning !== undefined && typeof options.onWarning !== 'function') invalidParameter(OWNER, 'onWarning', options.onWarning, 'a function (message) => void');
  if (options.onStats !== undefined && typeof options.onStats !== 'function') invalidParameter(OWNER, 'onStats', options.onStats, 'a function (stats: ShampooStats) => void');
  const lr = directionLearningRate(OWNER, options);
  const betas = options.betas ?? [0.9, 1];
  if (!Array.isArray(betas) || betas.length !== 2) invalidParameter(OWNER, 'betas', betas, 'a pair [beta1, beta2]');
  const beta1 = num('betas[0]', betas[0], (x) => x >= 0 && x < 1, 'a number in [0, 1)');
  const beta2 = num('betas[1]', betas[1], (x) => x >= 0 && x <= 1, 'a number in [0, 1]');
  const beta3Raw = options.beta3 ?? -1;
  const beta3 = beta3Raw === -1 ? beta1 : num('beta3', beta3Raw, (x) => x >= 0 && x < 1, 'a number in [0, 1), or -1 for beta1');
  const preconditioner = options.preconditioner ?? { type: 'root-inverse' };
  const pseudo = preconditioner !== null && typeof preconditioner === 'object' && 'rankDeficiency' in preconditioner && preconditioner.rankDeficiency === 'pseudo-inverse';
  const epsilon = pseudo
    ? num('epsilon', options.epsilon ?? 0, (x) => x === 0, "exactly 0 with rankDeficiency 'pseudo-inverse'")
    : num('epsilon', options.epsilon ?? 1e-12, (x) => x > 0 && finite(x), "a finite number > 0 (exactly 0 only with rankDeficiency 'pseudo-inverse')");
  const dampingFloor = num('dampingFloor', options.dampingFloor ?? DAMPING_FLOOR_FACTOR, (x) => x >= 0 && finite(x), 'a finite number >= 0 (0 turns the floor off)');
  const weightDecay = num('weightDecay', options.weightDecay ?? 0, (x) => x >= 0 && finite(x), 'a finite number >= 0');
  const weightDecayType = options.weightDecayType ?? 'decoupled';
  if (!['l2', 'decoupled', 'corrected', 'independent'].includes(weightDecayType)) {
    invalidParameter(OWNER, 'weightDecayType', weightDecayType, "'l2', 'decoupled', 'corrected' or 'independent'");
  }
  const dividesByPeak = weightDecayType === 'corrected' || weightDecayType === 'independent';
  const peakLr = options.peakLr === undefined && !dividesByPeak
    ? null
    : num('peakLr', options.peakLr, (x) => x > 0 && finite(x),
        `a finite number > 0 (required with weightDecayType '${weightDecayType}': the peak of the lr schedule; optional and unused otherwise)`);
  const givenMaxDim = num('maxPreconditionerDim', options.maxPreconditionerDim ?? 1024, (x) => x === Infinity || (Number.isInteger(x) && x >= 1), 'an integer >= 1, or Infinity');
  const givenTarget = num('targetParameterDimensionality', options.targetParameterDimensionality ?? 1, (x) => Number.isInteger(x) && x >= 1, 'an integer >= 1');
  const givenFrequency = num('preconditionFrequency', options.preconditionFrequency ?? 1, (x) => Number.isInteger(x) && x >= 1, 'an integer >= 1');
  const descent = descentOverrides(options, (preconditioner as { type?: string } | null)?.type ?? '', { beta1, hasGrafting: (options.grafting ?? null) !== null });
  const maxPreconditionerDim = descent.overrides.maxPreconditionerDim ?? givenMaxDim;
  const targetParameterDimensionality = descent.overrides.targetParameterDimensionality ?? givenTarget;
  const preconditionFrequency = descent.overrides.preconditionFrequency ?? givenFrequency;
  const factorUpdateFrequency = num('factorUpdateFrequency', options.factorUpdateFrequency ?? 1, (x) => Number.isInteger(x) && x >= 1, 'an integer >= 1');
  const startRaw = options.startPreconditioningStep ?? -1;
  const startPreconditioningStep = startRaw === -1
    ? preconditionFrequency
    : num('startPreconditioningStep', startRaw, (x) => (x === Infinity || Number.isInteger(x)) && x >= preconditionFrequency,
        `an integer >= preconditionFrequency (${preconditionFrequency}), Infinity, or -1 for preconditionFrequency`);
  const staggerRoots = checkBoolean(OWNER, 'staggerRoots', options.staggerRoots ?? false);
  const useBiasCorrection = checkBoolean(OWNER, 'useBiasCorrection', options.useBiasCorrection ?? true);
  const grafting = options.grafting ?? null;
  if (grafting !== null && (typeof grafting !== 'object' || typeof grafting.direction !== 'function')) {
    invalidParameter(OWNER, 'grafting', grafting, 'a grafting strategy (sgdGrafting(), adagradGrafting(), rmspropGrafting(), adamGrafting()) or null');
  }
  const m = options.momentum ?? null;
  let momentum: Required<MomentumConfig> | null = null;
  if (m !== null) {
    if (typeof m !== 'object') invalidParameter(OWNER, 'momentum', m, 'an object { momentum?, dampening?, nesterov? } or null');
    checkKnownOptions(`${OWNER}: momentum`, m, MOMENTUM_OPTION_NAMES);
    if ((options.iterateAveraging ?? null) !== null) {
      invalidParameter(OWNER, 'momentum', m, 'null or absent when iterateAveraging is set (classic momentum and iterate averaging are exclusive; in the reference both are an iterate_averaging_config)');
    }
    momentum = {
      momentum: num('momentum.momentum', m.momentum ?? 0.5, (x) => x > 0 && x < 1, 'a number in (0, 1)'),
      dampening: num('momentum.dampening', m.dampening ?? 0, (x) => x >= 0 && x < 1, 'a number in [0, 1)'),
      nesterov: checkBoolean(OWNER, 'momentum.nesterov', m.nesterov ?? false),
    };
  }
  const iterateAveraging = options.iterateAveraging ?? null;
  if (iterateAveraging !== null) resolveIterateAveraging(iterateAveraging, OWNER);
  checkPreconditioner(preconditioner, epsilon);
  const dtype = options.factorMatrixDtype ?? 'float32';
  if (dtype !== 'float32') invalidParameter(OWNER, 'factorMatrixDtype', dtype, "'float32' (TensorFlow.js has no float64)");
  const useSymmetricPacking = checkBoolean(OWNER, 'useSymmetricPacking', options.useSymmetricPacking ?? true);
  const useTraceScaling = checkBoolean(OWNER, 'useTraceScaling', options.useTraceScaling ?? false);
  const traceExp = num('traceScalingExponent', options.traceScalingExponent ?? 0.5, (x) => x > 0 && x <= 1, 'a number in (0, 1]');
  const inverseExponentOverride = validateExponentOverride(options.inverseExponentOverride ?? {});
  checkEigenFamily(OWNER, preconditioner, inverseExponentOverride);
  const numToleratedFailedAmortizedComputations = num(
    'numToleratedFailedAmortizedComputations', options.numToleratedFailedAmortizedComputations ?? 3,
    (x) => Number.isInteger(x) && x >= 0, 'an integer >= 0');
  const useFactorWeighting = checkBoolean(OWNER, 'useFactorWeighting', options.useFactorWeighting ?? true);
  if (options.rootExecutor !== undefined) checkRootExecutorChoice(OWNER, options.rootExecutor);
  for (const message of descent.warnings) warnOnce(options.onWarning ?? consoleWarning, message);
  return {
    lr, peakLr, beta1, beta2, beta3, epsilon, dampingFloor, weightDecay, weightDecayType, maxPreconditionerDim,
    targetParameterDimensionality, preconditionFrequency, factorUpdateFrequency, startPreconditioningStep, staggerRoots, useBiasCorrection,
    grafting, momentum, iterateAveraging, preconditioner, useSymmetricPacking,
    traceScalingExponent: useTraceScaling ? traceExp : 0,
    inverseExponentOverride, numToleratedFailedAmortizedComputations, useFactorWeighting,
  };
}
