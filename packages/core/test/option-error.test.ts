/**
 * Every check of the one validation module throws a structured error: OptionError (a
 * RangeError) for a value, OptionTypeError (a TypeError) for a type or a key, with the fields
 * owner, option, value and allowed. Tests and programs read the fields, not the wording.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { adam, isOptionError, partition, piecewiseConstant, OptionError, OptionTypeError, type OptionProblem } from '@shampoo-ts/core';
import { checkBoolean, checkKnownOptions, checkNumber, checkWith, invalidParameter, invalidType } from '@shampoo-ts/core/authoring';

/** The error `f` throws (fails the test if it returns). */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

/** The four fields of an option error. */
function fields(e: unknown): OptionProblem {
  const { owner, option, value, allowed } = e as OptionProblem;
  return { owner, option, value, allowed };
}

describe('OptionError', () => {
  it('checkNumber: an OptionError (a RangeError) carrying owner, option, value and the range', () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 1e6, noNaN: true, minExcluded: true }), (v) => {
        const e = thrown(() => checkNumber('adam', 'b1', v, { min: 0, max: 1, maxExclusive: true }));
        expect(e).toBeInstanceOf(OptionError);
        expect(e).toBeInstanceOf(RangeError);
        expect(fields(e)).toEqual({ owner: 'adam', option: 'b1', value: v, allowed: 'a finite number with 0 <= b1 < 1' });
      }),
    );
  });

  it('checkWith and invalidParameter: OptionErrors with the given allowed text', () => {
    const e = thrown(() => checkWith('scaleByShampoo', 'maxPreconditionerDim', 0, (x) => x >= 1, 'an integer >= 1, or Infinity'));
    expect(fields(e)).toEqual({ owner: 'scaleByShampoo', option: 'maxPreconditionerDim', value: 0, allowed: 'an integer >= 1, or Infinity' });
    const choice = thrown(() => invalidParameter('scaleByShampoo', 'weightDecayType', 'l1', "'l2' or 'decoupled'"));
    expect(choice).toBeInstanceOf(OptionError);
    expect(fields(choice)).toEqual({ owner: 'scaleByShampoo', option: 'weightDecayType', value: 'l1', allowed: "'l2' or 'decoupled'" });
    expect((choice as Error).message).toBe(`scaleByShampoo: weightDecayType = "l1" is not allowed; allowed: 'l2' or 'decoupled'`);
  });

  it('checkBoolean and checkKnownOptions: OptionTypeErrors (TypeErrors) naming the option or the unknown key', () => {
    const b = thrown(() => checkBoolean('muon', 'nesterov', 'yes'));
    expect(b).toBeInstanceOf(OptionTypeError);
    expect(b).toBeInstanceOf(TypeError);
    expect(fields(b)).toEqual({ owner: 'muon', option: 'nesterov', value: 'yes', allowed: 'true or false' });
    const k = thrown(() => adam({ learningRate: 0.1, lr: 0.2 } as never));
    expect(fields(k)).toEqual({ owner: 'adam', option: 'lr', value: 0.2, allowed: 'one of the options [learningRate, b1, b2, eps, epsRoot, nesterov]' });
    const o = thrown(() => checkKnownOptions('sgd', 3 as never, ['learningRate']));
    expect(fields(o)).toEqual({ owner: 'sgd', option: 'options', value: 3, allowed: 'an object with keys [learningRate]' });
  });

  it('invalidType: an OptionTypeError, used by the combinators and schedules for non-objects', () => {
    const t = thrown(() => invalidType('o', 'compute', 3, 'a function'));
    expect(t).toBeInstanceOf(OptionTypeError);
    expect((t as Error).message).toBe('o: compute = 3 is not allowed; allowed: a function');
    expect(fields(thrown(() => partition(null as never, () => 'a')))).toEqual({ owner: 'partition', option: 'transforms', value: null, allowed: 'an object { label: GradientTransformation }' });
    expect(fields(thrown(() => piecewiseConstant(1, 5 as never)))).toEqual({ owner: 'piecewiseConstant', option: 'boundariesAndScales', value: 5, allowed: 'an object { boundary: scale }' });
  });

  it('isOptionError tells option errors from other errors', () => {
    expect(isOptionError(thrown(() => checkNumber('o', 'x', -1, { min: 0 })))).toBe(true);
    expect(isOptionError(thrown(() => checkBoolean('o', 'x', 1)))).toBe(true);
    expect(isOptionError(new RangeError('o: x = 1 is not allowed; allowed: 2'))).toBe(false);
    expect((thrown(() => checkNumber('o', 'x', -1, { min: 0 })) as Error).name).toBe('OptionError');
  });
});
