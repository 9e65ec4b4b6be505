import './register-defaults.js';

export { TransformOptimizer } from './transform-optimizer.js';
export {
  registerTransformFactory, registeredTransformFactories, buildTransform,
  type TransformFactory, type TransformSpec,
} from './factory-registry.js';
export { DEFAULT_FACTORIES, registerDefaultFactories } from './default-factories.js';
export { scheduleFromJson } from './schedule-json.js';
export { SHAMPOO_FACTORIES, graftingFromJson, shampooOptionsFromJson } from './shampoo-factories.js';
export { stateKeys, baseName } from './state-keys.js';
export { META_WEIGHT, STATE_WEIGHT_PREFIX, type NamedTensor } from './state-weights.js';
export { type JsonValue, type JsonObject, assertJson } from './json.js';
