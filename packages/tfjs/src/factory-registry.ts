/**
 * Named transform factories: how an optimizer saved in model.json is rebuilt.
 *
 * A GradientTransformation is a pair of closures and cannot be serialised. A
 * TransformSpec `{ factory: 'adamw', config: { learningRate: 1e-3 } }` can: `factory`
 * names a function registered here that builds the transform from the JSON `config`.
 * `TransformOptimizer.getConfig` saves the spec and `fromConfig` calls
 * `buildTransform(spec)`, so a model saved with `includeOptimizer: true` loads wherever
 * the same factory names are registered (the built-ins in default-factories.ts at
 * import, yours with `registerTransformFactory` before `tf.loadLayersModel`).
 */
import type { GradientTransformation } from '@shampoo-ts/core';
import { type JsonObject, type JsonValue, assertJson } from './json.js';

/** Builds a transform from JSON options. Must be deterministic: same config, same transform. */
export type TransformFactory = (config: JsonObject) => GradientTransformation<any>;

/** A serialisable description of a transform: a registered factory name and its JSON config. */
export interface TransformSpec {
  readonly factory: string;
  readonly config?: JsonObject;
}

const factories = new Map<string, TransformFactory>();

/**
 * Registers `factory` under `name`. Re-registering a name throws unless
 * `{ override: true }` (two libraries silently disagreeing on 'shampoo' would load a
 * saved model with the wrong optimizer).
 */
export function registerTransformFactory(name: string, factory: TransformFactory, options: { override?: boolean } = {}): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new TypeError(`registerTransformFactory: name is ${JSON.stringify(name)}; allowed: a non-empty string`);
  }
  if (typeof factory !== 'function') {
    throw new TypeError(`registerTransformFactory: factory for '${name}' is ${typeof factory}; allowed: a function (config) => GradientTransformation`);
  }
  if (factories.has(name) && options.override !== true) {
    throw new Error(`registerTransformFactory: '${name}' is already registered; pass { override: true } to replace it`);
  }
  factories.set(name, factory);
}

/** The names registered so far, sorted. */
export function registeredTransformFactories(): string[] {
  return [...factories.keys()].sort();
}

/** Checks that `spec` is a TransformSpec with JSON config and a registered factory; returns it normalised. */
export function checkSpec(owner: string, spec: unknown): TransformSpec {
  const s = spec as Partial<TransformSpec> | null;
  if (s === null || typeof s !== 'object' || typeof s.factory !== 'string') {
    throw new TypeError(`${owner}: spec is ${JSON.stringify(spec)}; allowed: { factory: string, config?: JSON object }`);
  }
  const config = s.config ?? {};
  assertJson(owner, config, `config of '${s.factory}'`);
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new TypeError(`${owner}: the config of '${s.factory}' is ${Array.isArray(config) ? 'an array' : typeof config}; allowed: a JSON object`);
  }
  if (!factories.has(s.factory)) {
    throw new Error(`${owner}: no transform factory named '${s.factory}'; registered: ${registeredTransformFactories().join(', ') || 'none'} (call registerTransformFactory('${s.factory}', …) before building or loading)`);
  }
  return { factory: s.factory, config: config as JsonObject };
}

/** The transform a spec describes: `factories[spec.factory](spec.config ?? {})`. */
export function buildTransform(spec: TransformSpec): GradientTransformation<any> {
  const s = checkSpec('buildTransform', spec);
  return (factories.get(s.factory) as TransformFactory)(structuredClone(s.config ?? {}) as JsonObject);
}

/** Narrows a JSON value to a TransformSpec (used by the 'chain' factory for its members). */
export function asSpec(owner: string, value: JsonValue): TransformSpec {
  return checkSpec(owner, value);
}
