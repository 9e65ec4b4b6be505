/**
 * The learning rate option of the Shampoo transforms: `learningRate` (core's name, as in
 * adamw({ learningRate })) or `lr` (the reference's name, kept as an alias), a number >= 0 or
 * a schedule of the step count t = 0, 1, ...:  lr_t = learningRate  or  lr_t = learningRate(t).
 */
import { type ScalarOrSchedule } from '@shampoo-ts/core';
import { checkScalarOrSchedule } from '@shampoo-ts/core/authoring';
import { checkWith, invalidParameter } from './validate.js';

/** Where the learning rate is read from: either name, at most one of them. */
export interface LearningRateOptions {
  readonly learningRate?: ScalarOrSchedule;
  readonly lr?: ScalarOrSchedule;
}

const ALLOWED = 'a finite number >= 0';

/** The name the caller used (`learningRate` or `lr`), refusing both at once. */
function givenName(owner: string, options: LearningRateOptions): 'learningRate' | 'lr' | null {
  const hasLearningRate = options.learningRate !== undefined;
  const hasLr = options.lr !== undefined;
  if (hasLearningRate && hasLr) invalidParameter(owner, 'lr', options.lr, 'absent when learningRate is given (lr is the alias of learningRate: give one of the two)');
  return hasLearningRate ? 'learningRate' : hasLr ? 'lr' : null;
}

/**
 * The learning rate of a recipe: a number >= 0 or a schedule (checked at every step by
 * core's scaleByLearningRate), `fallback` when neither name is given.
 */
export function recipeLearningRate(owner: string, options: LearningRateOptions, fallback: number): ScalarOrSchedule {
  const name = givenName(owner, options);
  if (name === null) return fallback;
  const value = options[name];
  return typeof value === 'function' ? checkScalarOrSchedule(owner, name, value) : checkWith(owner, name, value, (x) => x >= 0 && Number.isFinite(x), ALLOWED);
}

/**
 * The learning rate as the direction P reads it (only 'corrected' weight decay does:
 * alpha = wd lr / peakLr): a number >= 0, default 1e-2. A schedule is refused here, since a
 * transform built once cannot follow it: the recipes evaluate it and rebuild P's transform
 * with lr_t at every step.
 */
export function directionLearningRate(owner: string, options: LearningRateOptions): number {
  const name = givenName(owner, options) ?? 'lr';
  const value = options[name] ?? 1e-2;
  const allowed = typeof value === 'function'
    ? `${ALLOWED} (${owner} builds one direction; for a schedule use shampoo({ learningRate: schedule }), which applies lr_t at every step)`
    : ALLOWED;
  return checkWith(owner, name, value, (x) => x >= 0 && Number.isFinite(x), allowed);
}
