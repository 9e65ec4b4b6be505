/**
 * docs/reference-parity.md lists every option beside the reference's; this keeps it from
 * falling behind the code. Every option name must appear in one of the doc's code spans:
 * - the top-level ShampooOptions keys, read at run time from what resolveShampooConfig
 *   accepts (its unknown-option error lists them), and the preconditioner types, read from
 *   its unknown-type error;
 * - the fields of the nested options (preconditioner, momentum, iterate averaging,
 *   grafting factories, muon), listed below in records typed `Record<keyof ..., true>`, so
 *   that `npm run lint` fails when a field is added to the types and not here.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  resolveShampooConfig,
  type IterateAveragingConfig,
  type MomentumConfig,
  type MuonOptions,
  type PreconditionerConfig,
  type ShampooOptions,
} from '@shampoo-ts/shampoo';
import type { adagradGrafting, adamGrafting, rmspropGrafting } from '@shampoo-ts/grafting';

const doc = readFileSync(fileURLToPath(new URL('../../../docs/reference-parity.md', import.meta.url)), 'utf8');

/** Every identifier inside an inline code span of the doc. */
const codeIdentifiers = new Set([...doc.matchAll(/`([^`\n]+)`/g)].flatMap((m) => m[1].match(/[A-Za-z_$][\w$]*/g) ?? []));

/** The names an error message of resolveShampooConfig gives after "allowed:". */
function allowedNames(options: unknown): string {
  let message = '';
  try {
    resolveShampooConfig(options as ShampooOptions);
  } catch (err) {
    message = (err as Error).message;
  }
  const allowed = /allowed: (.*)$/.exec(message);
  if (allowed === null) throw new Error(`resolveShampooConfig(${JSON.stringify(options)}) did not reject the option with an "allowed:" message (got '${message}')`);
  return allowed[1];
}

type KeysOfUnion<T> = T extends unknown ? keyof T : never;
type Fields<T> = Record<KeysOfUnion<NonNullable<T>>, true>;

const nested: Record<string, Record<string, true>> = {
  preconditioner: {
    type: true, method: true, rankDeficiency: true, eigenbasis: true, qrSteps: true, tolerance: true,
    correctionExponent: true, steps: true, coefficients: true, scaleByDims: true, scale: true,
  } satisfies Fields<PreconditionerConfig>,
  momentum: { momentum: true, dampening: true, nesterov: true } satisfies Fields<MomentumConfig>,
  iterateAveraging: { type: true, evalInterp: true, trainInterp: true, lrPower: true } satisfies Fields<IterateAveragingConfig>,
  adagradGrafting: { epsilon: true } satisfies Fields<Parameters<typeof adagradGrafting>[0]>,
  rmspropGrafting: { beta2: true, epsilon: true } satisfies Fields<Parameters<typeof rmspropGrafting>[0]>,
  adamGrafting: { beta2: true, epsilon: true, useBiasCorrection: true } satisfies Fields<Parameters<typeof adamGrafting>[0]>,
  muon: {
    lr: true, beta: true, nesterov: true, weightDecay: true, nsSteps: true, nsCoefficients: true,
    scaleByDims: true, adam: true, isMatrixParam: true,
  } satisfies Fields<MuonOptions>,
  'muon adam': { learningRate: true, b1: true, b2: true, eps: true, weightDecay: true } satisfies Fields<MuonOptions['adam']>,
};

describe('docs/reference-parity.md', () => {
  it('names every top-level option that resolveShampooConfig accepts', () => {
    const names = allowedNames({ notAnOptionOfShampoo: 1 }).replace(/^one of /, '').split(/,\s*/);
    expect(names.length).toBeGreaterThan(20);
    expect(names.filter((name) => !codeIdentifiers.has(name))).toEqual([]);
  });

  it('names every preconditioner type that resolveShampooConfig accepts', () => {
    const types = [...allowedNames({ preconditioner: { type: 'not-a-type' } }).matchAll(/'([a-z-]+)'/g)].map((m) => m[1]);
    expect(types).toContain('root-inverse');
    expect(types.filter((t) => !doc.includes(`'${t}'`))).toEqual([]);
  });

  it('names every field of the nested options', () => {
    const missing = Object.entries(nested).flatMap(([owner, fields]) =>
      Object.keys(fields).filter((field) => !codeIdentifiers.has(field)).map((field) => `${owner}.${field}`),
    );
    expect(missing).toEqual([]);
  });
});
