/** Shampoo's bad options throw core's structured OptionError: the fields name the owner, the option, the value, what is allowed. */
import { describe, expect, it } from 'vitest';
import { isOptionError, OptionError, OptionTypeError } from '@shampoo-ts/core';
import { muon, scaleByShampoo, shampoo, soap } from '@shampoo-ts/shampoo';
import { problem } from './helpers.js';

describe('Shampoo option errors', () => {
  it('carry owner, option, value and allowed', () => {
    const betas = problem(() => scaleByShampoo({ betas: [0.9, 1.5] }));
    expect(betas.error).toBeInstanceOf(OptionError);
    expect({ ...betas, error: undefined }).toEqual({ owner: 'scaleByShampoo', option: 'betas[1]', value: 1.5, allowed: 'a number in [0, 1]', error: undefined });
    const method = problem(() => scaleByShampoo({ preconditioner: { type: 'root-inverse', method: 'qr' as never } }));
    expect([method.option, method.value]).toEqual(['preconditioner.method', 'qr']);
    const soapPre = problem(() => soap({ preconditioner: { type: 'root-inverse' } } as never));
    expect([soapPre.owner, soapPre.option]).toEqual(['soap', 'preconditioner']);
    const lr = problem(() => shampoo({ learningRate: -1 }));
    expect([lr.owner, lr.option, lr.value]).toEqual(['shampoo', 'learningRate', -1]);
  });

  it('a wrong type or key is an OptionTypeError', () => {
    const key = problem(() => scaleByShampoo({ lrr: 1 } as never));
    expect(key.error).toBeInstanceOf(OptionTypeError);
    expect([key.owner, key.option, key.value]).toEqual(['scaleByShampoo', 'lrr', 1]);
    const nesterov = problem(() => muon({ nesterov: 'yes' as never }));
    expect(isOptionError(nesterov.error)).toBe(true);
    expect([nesterov.owner, nesterov.option, nesterov.allowed]).toEqual(['muon', 'nesterov', 'true or false']);
  });
});
