/**
 * Import-time registrations: TransformOptimizer with tf.serialization (so tfjs-layers can
 * rebuild it from model.json) and the built-in transform factories.
 */
import * as tf from '@tensorflow/tfjs-core';
import { TransformOptimizer } from './transform-optimizer.js';
import { registerDefaultFactories } from './default-factories.js';

tf.serialization.registerClass(TransformOptimizer);
registerDefaultFactories();
