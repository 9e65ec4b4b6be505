/**
 * The Shampoo family as named factories, registered at import with the built-ins, so a
 * model compiled with a Shampoo TransformOptimizer saves and loads with its optimizer:
 *
 *   { factory: 'shampoo', config: { lr: 1e-3, betas: [0.9, 0.999], preconditionFrequency: 100,
 *       grafting: { type: 'adam', epsilon: 1e-8 } } }
 *   { factory: 'soap', config: { lr: 3e-3 } }
 *   { factory: 'klShampoo', config: { lr: 1e-3, grafting: 'adam' } }
 *   { factory: 'muon', config: { lr: 0.02, adam: { learningRate: 3e-4 } } }
 *
 * A config is the alias's options (@shampoo-ts/shampoo: shampoo, soap, klShampoo, muon)
 * written in JSON, with three conversions:
 *   grafting   'sgd' | 'adagrad' | 'rmsprop' | 'adam' | { type, ...that strategy's options } | null
 *   Infinity   the string 'Infinity' for startPreconditioningStep and maxPreconditionerDim
 *   lr         a number, or { schedule, ...options } (one of core's schedules, as for the
 *              built-ins' learningRate), applied through core's injectHyperparams, which
 *              keeps the step count in the optimizer state
 * Everything else goes to the alias unchanged, which validates it (scaleByShampoo names an
 * unknown or invalid option; muon's names are checked here). rootExecutor may be 'auto'
 * (the default: decided from the backend at the first step), 'host-float64' or
 * 'device-float32'. Options that are functions (onWarning, preconditioner.scaleByDims
 * and .scale, muon's scaleByDims and isMatrixParam) cannot be written to model.json:
 * register your own factory for those.
 */
import { injectHyperparams, type GradientTransformation } from '@shampoo-ts/core';
import { checkKnownOptions } from '@shampoo-ts/core/authoring';
import { adagradGrafting, adamGrafting, GRAFTING_OPTION_NAMES, rmspropGrafting, sgdGrafting, type GraftingStrategy } from '@shampoo-ts/grafting';
import { klShampoo, muon, shampoo, soap, type MuonOptions, type ShampooOptions } from '@shampoo-ts/shampoo';
import type { JsonObject, JsonValue } from './json.js';
import type { TransformFactory } from './factory-registry.js';
import { scheduleFromJson } from './schedule-json.js';

/** Grafting strategies by name, with the options each accepts. */
const GRAFTING: Record<string, { options: readonly string[]; build: (o: any) => GraftingStrategy }> = {
  sgd: { options: GRAFTING_OPTION_NAMES.sgd, build: () => sgdGrafting() },
  adagrad: { options: GRAFTING_OPTION_NAMES.adagrad, build: adagradGrafting },
  rmsprop: { options: GRAFTING_OPTION_NAMES.rmsprop, build: rmspropGrafting },
  adam: { options: GRAFTING_OPTION_NAMES.adam, build: adamGrafting },
};

/** The grafting strategy a JSON value names (see the module comment); undefined stays undefined. */
export function graftingFromJson(owner: string, value: JsonValue | undefined): GraftingStrategy | null | undefined {
  if (value === undefined || value === null) return value;
  const { type, ...options } = typeof value === 'string' ? { type: value } : (value as JsonObject);
  const entry = typeof type === 'string' && Object.prototype.hasOwnProperty.call(GRAFTING, type) ? GRAFTING[type] : undefined;
  if (Array.isArray(value) || (typeof value !== 'object' && typeof value !== 'string') || entry === undefined) {
    throw new TypeError(`${owner}: grafting is ${JSON.stringify(value)}; allowed: null, ${Object.keys(GRAFTING).map((k) => `'${k}'`).join(', ')} or { type, ...options }`);
  }
  checkKnownOptions(`${owner}: grafting '${type}'`, options, entry.options);
  return entry.build(options);
}

/** Options that may be Infinity, written as the string 'Infinity' in JSON. */
const MAY_BE_INFINITE = ['startPreconditioningStep', 'maxPreconditionerDim'] as const;

/** The Shampoo options of a JSON config: grafting and 'Infinity' converted, the rest as is. */
export function shampooOptionsFromJson(owner: string, config: JsonObject): ShampooOptions {
  const options: Record<string, unknown> = { ...config };
  if ('grafting' in config) options.grafting = graftingFromJson(owner, config.grafting);
  for (const name of MAY_BE_INFINITE) if (config[name] === 'Infinity') options[name] = Infinity;
  return options as ShampooOptions;
}

/**
 * `build(options)`, or with `lr: { schedule, ... }` the transform
 * injectHyperparams(build, { staticArgs: every other option })({ ...options, lr: schedule }).
 */
function withLearningRate<O extends { lr?: unknown }>(owner: string, options: O, build: (o: O) => GradientTransformation<any>): GradientTransformation<any> {
  const lr = (options as { lr?: JsonValue }).lr;
  if (lr === undefined || typeof lr === 'number') return build(options);
  const schedule = scheduleFromJson(owner, lr, 'lr');
  const staticArgs = Object.keys(options).filter((k) => k !== 'lr');
  return injectHyperparams(build, { staticArgs })({ ...options, lr: schedule } as never);
}

/** The aliases that take no `preconditioner` (it is what they choose). */
function rejectPreconditioner(owner: string, config: JsonObject): void {
  if ('preconditioner' in config) {
    throw new TypeError(`${owner}: preconditioner is ${JSON.stringify(config.preconditioner)}; allowed: no preconditioner option ('${owner}' fixes it; use the 'shampoo' factory to choose one)`);
  }
}

const MUON_OPTIONS = ['lr', 'beta', 'nesterov', 'weightDecay', 'nsSteps', 'nsCoefficients', 'adam'] as const;
const MUON_ADAM_OPTIONS = ['learningRate', 'b1', 'b2', 'eps', 'weightDecay'] as const;

/** The Shampoo factories by name (see the module comment). */
export const SHAMPOO_FACTORIES: Readonly<Record<string, TransformFactory>> = {
  shampoo: (config) => withLearningRate('shampoo', shampooOptionsFromJson('shampoo', config), shampoo),
  soap: (config) => {
    rejectPreconditioner('soap', config);
    return withLearningRate('soap', shampooOptionsFromJson('soap', config), soap);
  },
  klShampoo: (config) => {
    rejectPreconditioner('klShampoo', config);
    return withLearningRate('klShampoo', shampooOptionsFromJson('klShampoo', config), klShampoo);
  },
  muon: (config) => {
    checkKnownOptions('muon', config, MUON_OPTIONS);
    if (config.adam !== undefined) checkKnownOptions('muon: adam', config.adam as object, MUON_ADAM_OPTIONS);
    return withLearningRate('muon', config as MuonOptions, muon);
  },
};
