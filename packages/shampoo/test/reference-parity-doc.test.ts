/**
 * docs/reference-parity.md lists every option beside the reference's; this keeps it from
 * falling behind the code. Every option name must appear in one of the doc's code spans:
 * - the top-level ShampooOptions keys and the preconditioner types, from the lists
 *   resolveShampooConfig validates against (SHAMPOO_OPTION_NAMES, PRECONDITIONER_OPTION_NAMES),
 *   and each preconditioner type's own option names;
 * - the fields of the nested options (preconditioner, momentum, iterate averaging,
 *   grafting factories, muon), listed below in records typed `Record<keyof ..., true>`, so
 *   that `npm run lint` fails when a field is added to the types and not here.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type IterateAveragingConfig, type MomentumConfig, type MuonOptions, type PreconditionerConfig } from '@shampoo-ts/shampoo';
import { PRECONDITIONER_OPTION_NAMES, SHAMPOO_OPTION_NAMES } from '@shampoo-ts/shampoo/engine';
import type { adagradGrafting, adamGrafting, rmspropGrafting } from '@shampoo-ts/grafting';

const doc = readFileSync(fileURLToPath(new URL('../../../docs/reference-parity.md', import.meta.url)), 'utf8');

/** Every identifier inside an inline code span of the doc. */
const codeIdentifiers = new Set([...doc.matchAll(/`([^`\n]+)`/g)].flatMap((m) => m[1].match(/[A-Za-z_$][\w$]*/g) ?? []));

type KeysOfUnion<T> = T extends unknown ? keyof T : never;
type Fields<T> = Record<KeysOfUnion<NonNullable<T>>, true>;

const nested: Record<string, Record<string, true>> = {
  preconditioner: {
    type: true, method: true, rankDeficiency: true, eigenbasis: true, qrSteps: true, tolerance: true,
    correctionExponent: true, ignoredBasisChangeDims: true, rankRtol: true, rankAtol: true,
    perturbBeforeComputation: true, relativeEpsilon: true, newton: true, higherOrder: true,
    orthogonalization: true, scaleByNuclearNorm: true, steps: true, coefficients: true, scaleByDims: true, scale: true,
  } satisfies Fields<PreconditionerConfig>,
  momentum: { momentum: true, dampening: true, nesterov: true } satisfies Fields<MomentumConfig>,
  iterateAveraging: { type: true, evalInterp: true, trainInterp: true, lrPower: true } satisfies Fields<IterateAveragingConfig>,
  adagradGrafting: { epsilon: true } satisfies Fields<Parameters<typeof adagradGrafting>[0]>,
  rmspropGrafting: { beta2: true, epsilon: true } satisfies Fields<Parameters<typeof rmspropGrafting>[0]>,
  adamGrafting: { beta2: true, epsilon: true, useBiasCorrection: true } satisfies Fields<Parameters<typeof adamGrafting>[0]>,
  muon: {
    learningRate: true, lr: true, beta: true, nesterov: true, weightDecay: true, nsSteps: true, nsCoefficients: true,
    scaleByDims: true, adam: true, isMatrixParam: true,
  } satisfies Fields<MuonOptions>,
  'muon adam': { learningRate: true, b1: true, b2: true, eps: true, weightDecay: true } satisfies Fields<MuonOptions['adam']>,
};

describe('docs/reference-parity.md', () => {
  it('names every top-level option that resolveShampooConfig accepts', () => {
    expect(SHAMPOO_OPTION_NAMES.length).toBeGreaterThan(20);
    expect(SHAMPOO_OPTION_NAMES.filter((name) => !codeIdentifiers.has(name))).toEqual([]);
  });

  it('names every preconditioner type and every option each type accepts', () => {
    const types = Object.keys(PRECONDITIONER_OPTION_NAMES);
    expect(types).toContain('root-inverse');
    expect(types.filter((t) => !doc.includes(`'${t}'`))).toEqual([]);
    const fields = Object.values(PRECONDITIONER_OPTION_NAMES).flat();
    expect(fields.filter((name) => !codeIdentifiers.has(name))).toEqual([]);
  });

  it('names every field of the nested options', () => {
    const missing = Object.entries(nested).flatMap(([owner, fields]) =>
      Object.keys(fields).filter((field) => !codeIdentifiers.has(field)).map((field) => `${owner}.${field}`),
    );
    expect(missing).toEqual([]);
  });
});
