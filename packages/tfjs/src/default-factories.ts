/**
 * The factories registered at import: core's optimizers (JSON options as their own
 * options), gradient clipping, and 'chain' to compose specs:
 *
 *   { factory: 'adamw', config: { learningRate: 1e-3, weightDecay: 1e-4 } }
 *   { factory: 'chain', config: { transforms: [
 *       { factory: 'clipByGlobalNorm', config: { maxNorm: 1 } },
 *       { factory: 'adam', config: { learningRate: { schedule: 'warmupCosineDecay',
 *           initValue: 0, peakValue: 1e-3, warmupSteps: 100, decaySteps: 1000 } } } ] } }
 *
 * A `learningRate` may be a number or `{ schedule: name, ...options }` naming one of
 * core's schedules (constant, linear, exponentialDecay, cosineDecay, warmupCosineDecay).
 * Also built in: the Shampoo family, 'shampoo', 'soap', 'klShampoo' and 'muon'
 * (shampoo-factories.ts).
 */
import { adagrad, adam, adamw, chain, clipByGlobalNorm, rmsprop, sgd } from '@shampoo-ts/core';
import type { JsonObject } from './json.js';
import { type TransformFactory, asSpec, buildTransform, registerTransformFactory, registeredTransformFactories } from './factory-registry.js';
import { scheduleFromJson } from './schedule-json.js';
import { SHAMPOO_FACTORIES } from './shampoo-factories.js';

/** An alias factory: the JSON config is the alias's options, with learningRate through scheduleFromJson. */
function alias(name: string, build: (options: any) => ReturnType<TransformFactory>): TransformFactory {
  return (config: JsonObject) => build({ ...config, learningRate: scheduleFromJson(name, config.learningRate) });
}

/** The built-in factories by name. */
export const DEFAULT_FACTORIES: Readonly<Record<string, TransformFactory>> = {
  sgd: alias('sgd', sgd),
  adam: alias('adam', adam),
  adamw: alias('adamw', adamw),
  adagrad: alias('adagrad', adagrad),
  rmsprop: alias('rmsprop', rmsprop),
  clipByGlobalNorm: (config) => clipByGlobalNorm(config.maxNorm as number),
  chain: (config) => {
    if (!Array.isArray(config.transforms)) {
      throw new TypeError(`chain: config.transforms is ${JSON.stringify(config.transforms)}; allowed: an array of { factory, config } specs`);
    }
    return chain(...config.transforms.map((s, i) => buildTransform(asSpec(`chain: transforms[${i}]`, s))));
  },
  ...SHAMPOO_FACTORIES,
};

/** Registers DEFAULT_FACTORIES (skipping names already registered, so it is idempotent). */
export function registerDefaultFactories(): void {
  const present = new Set(registeredTransformFactories());
  for (const [name, factory] of Object.entries(DEFAULT_FACTORIES)) {
    if (!present.has(name)) registerTransformFactory(name, factory);
  }
}
