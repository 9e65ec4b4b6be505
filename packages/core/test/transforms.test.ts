/**
 * Building blocks against their formulas, computed in float64 in plain JavaScript, on
 * random trees (size-0 dims and scalars included) and random gradient sequences.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { addDecayedWeights, clipByGlobalNorm, disposeTree, globalNorm, scale, scaleByAdagrad, scaleByAdam, scaleByLearningRate, scaleByRms, scaleBySchedule, scaleByStddev, trace, adamw, applyIfFinite, initTrainState, step, chain, type GradientTransformation, type StateValue, type TensorTree } from '@shampoo-ts/core';
import { tensorsIn } from '@shampoo-ts/core/authoring';
import { buildTree, gradsAt, treeSpecArb, values } from './support/arbitraries.js';
import { treeValues } from './support/compare.js';
import { expectNoLeak, expectThrowsNoLeak } from './support/leaks.js';

const seedArb = fc.integer({ min: 1, max: 2 ** 30 });
const STEPS = 6;

/**
 * Runs `tx` for STEPS steps and compares every update element with `reference`, a float64
 * per-element recursion: reference(g, k, p) returns the expected update for element value g
 * at step k (its state kept in a closure per element).
 */
function checkAgainstFormula(
  tx: GradientTransformation<any>,
  spec: Parameters<typeof buildTree>[0],
  seed: number,
  makeReference: () => (g: number, k: number, p: number) => number,
  rtol = 2e-5,
  atol = 1e-6,
): void {
  expectNoLeak(() => {
    const params = buildTree(spec, seed);
    const pv = treeValues(params);
    const refs = new Map<string, Array<(g: number, k: number, p: number) => number>>();
    for (const [path, vals] of Object.entries(pv)) refs.set(path, vals.map(() => makeReference()));
    let state: StateValue = tx.init(params);
    for (let k = 0; k < STEPS; k++) {
      const g = gradsAt(params, seed, k);
      const [u, s] = tx.update(g, state, params);
      const gv = treeValues(g);
      for (const [path, vals] of Object.entries(treeValues(u))) {
        vals.forEach((v, i) => {
          const want = refs.get(path)![i](gv[path][i], k, pv[path][i]);
          if (!(Math.abs(v - want) <= atol + rtol * Math.abs(want))) {
            throw new Error(`step ${k}, '${path}'[${i}]: got ${v}, formula gives ${want}`);
          }
        });
      }
      disposeTree([g, u, state]);
      state = s;
    }
    disposeTree([state, params]);
  });
}

describe('building blocks against their formulas', () => {
  it('scale: u * c', () => {
    fc.assert(fc.property(treeSpecArb(), seedArb, fc.double({ min: -5, max: 5, noNaN: true }), (spec, seed, c) =>
      checkAgainstFormula(scale(c), spec, seed, () => (g) => g * c)));
  });

  it('scaleByLearningRate: -lr * u, or -lr(t) * u with a schedule', () => {
    fc.assert(fc.property(treeSpecArb(), seedArb, fc.double({ min: 0, max: 2, noNaN: true }), (spec, seed, lr) => {
      checkAgainstFormula(scaleByLearningRate(lr), spec, seed, () => (g) => -lr * g);
      const sched = (t: number) => lr / (t + 1);
      checkAgainstFormula(scaleByLearningRate(sched), spec, seed, () => (g, k) => -sched(k) * g);
      checkAgainstFormula(scaleByLearningRate(lr, { flipSign: false }), spec, seed, () => (g) => lr * g);
    }));
  });

  it('addDecayedWeights: u + wd * p', () => {
    fc.assert(fc.property(treeSpecArb(), seedArb, fc.double({ min: 0, max: 1, noNaN: true }), (spec, seed, wd) =>
      checkAgainstFormula(addDecayedWeights(wd), spec, seed, () => (g, _k, p) => g + wd * p)));
  });

  it('addDecayedWeights with a mask decays only the selected leaves', () => {
    const params = { w: tf.ones([2]), bias: tf.ones([2]) };
    const g = { w: tf.zeros([2]), bias: tf.zeros([2]) };
    const tx = addDecayedWeights(0.5, (path) => !path.endsWith('bias'));
    const [u, s] = tx.update(g, tx.init(params), params);
    expect(treeValues(u)).toEqual({ bias: [0, 0], w: [0.5, 0.5] });
    disposeTree([params, g, u, s]);
  });

  it('trace: t = mu t + g, u = t (or g + mu t with Nesterov)', () => {
    fc.assert(fc.property(treeSpecArb(), seedArb, fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean(), (spec, seed, mu, nesterov) =>
      checkAgainstFormula(trace({ decay: mu, nesterov }), spec, seed, () => {
        let t = 0;
        return (g) => {
          t = mu * t + g;
          return nesterov ? g + mu * t : t;
        };
      })));
  });

  it('scaleByAdam (classic and Nesterov, eps and epsRoot) matches the formula', () => {
    fc.assert(fc.property(treeSpecArb(), seedArb, fc.double({ min: 0, max: 0.99, noNaN: true }), fc.double({ min: 0.5, max: 0.999, noNaN: true }), fc.constantFrom(1e-8, 1e-3, 0.1), fc.constantFrom(0, 1e-4), fc.boolean(), (spec, seed, b1, b2, eps, epsRoot, nesterov) =>
      checkAgainstFormula(scaleByAdam({ b1, b2, eps, epsRoot, nesterov }), spec, seed, () => {
        let m = 0;
        let v = 0;
        return (g, k) => {
          const t = k + 1;
          m = b1 * m + (1 - b1) * g;
          v = b2 * v + (1 - b2) * g * g;
          const mHat = nesterov ? (b1 * m) / (1 - b1 ** (t + 1)) + ((1 - b1) * g) / (1 - b1 ** t) : m / (1 - b1 ** t);
          return mHat / (Math.sqrt(v / (1 - b2 ** t) + epsRoot) + eps);
        };
      }, 1e-4)));
  });

  it('scaleByRms: g / sqrt(nu + eps) or g / (sqrt(nu) + eps), from nu_0 = initialScale', () => {
    fc.assert(fc.property(treeSpecArb(), seedArb, fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(1e-8, 1e-2), fc.constantFrom(0, 0.5), fc.boolean(), (spec, seed, decay, eps, s0, inSqrt) =>
      checkAgainstFormula(scaleByRms({ decay, eps, initialScale: s0, epsInSqrt: inSqrt }), spec, seed, () => {
        let nu = s0;
        return (g) => {
          nu = decay * nu + (1 - decay) * g * g;
          return inSqrt ? g / Math.sqrt(nu + eps) : g / (Math.sqrt(nu) + eps);
        };
      }, 1e-4)));
  });

  it('scaleByStddev: g / sqrt(nu - mu^2 + eps)', () => {
    fc.assert(fc.property(treeSpecArb(), seedArb, fc.double({ min: 0, max: 0.95, noNaN: true }), fc.boolean(), (spec, seed, decay, inSqrt) =>
      checkAgainstFormula(scaleByStddev({ decay, eps: 0.1, epsInSqrt: inSqrt }), spec, seed, () => {
        let mu = 0;
        let nu = 0;
        return (g) => {
          mu = decay * mu + (1 - decay) * g;
          nu = decay * nu + (1 - decay) * g * g;
          return inSqrt ? g / Math.sqrt(nu - mu * mu + 0.1) : g / (Math.sqrt(nu - mu * mu) + 0.1);
        };
      }, 1e-4, 1e-5)));
  });

  it('scaleByAdagrad: a = a + g^2, g / sqrt(a + eps) or g / (sqrt(a) + eps)', () => {
    fc.assert(fc.property(treeSpecArb(), seedArb, fc.constantFrom(0, 0.1, 1), fc.constantFrom(1e-7, 1e-2), fc.boolean(), (spec, seed, a0, eps, inSqrt) =>
      checkAgainstFormula(scaleByAdagrad({ initialAccumulatorValue: a0, eps, epsInSqrt: inSqrt }), spec, seed, () => {
        let a = a0;
        return (g) => {
          a += g * g;
          return inSqrt ? g / Math.sqrt(a + eps) : g / (Math.sqrt(a) + eps);
        };
      }, 1e-4)));
  });

  it('scaleByAdagrad with eps 0 and a zero accumulator gives 0, not NaN', () => {
    const p = { w: tf.zeros([3]) };
    const tx = scaleByAdagrad({ initialAccumulatorValue: 0, eps: 0 });
    const [u, s] = tx.update({ w: tf.tensor([0, 2, 0]) }, tx.init(p));
    expect(treeValues(u).w).toEqual([0, 1, 0]);
    disposeTree([p, u, s]);
  });
});

describe('eps = 0: the limit eps -> 0+', () => {
  // Each transform's update at eps = 0 in float64: [g -> update] per element, state in a closure.
  const cases: Array<[string, GradientTransformation<any>, () => (g: number, t: number) => number]> = [
    ['scaleByAdam', scaleByAdam({ eps: 0 }), () => { let m = 0, v = 0; return (g, t) => { m = 0.9 * m + 0.1 * g; v = 0.999 * v + 0.001 * g * g; return m / (1 - 0.9 ** t) / Math.sqrt(v / (1 - 0.999 ** t)); }; }],
    ['scaleByAdam nesterov', scaleByAdam({ eps: 0, nesterov: true }), () => { let m = 0, v = 0; return (g, t) => { m = 0.9 * m + 0.1 * g; v = 0.999 * v + 0.001 * g * g; return (0.9 * m / (1 - 0.9 ** (t + 1)) + 0.1 * g / (1 - 0.9 ** t)) / Math.sqrt(v / (1 - 0.999 ** t)); }; }],
    ['scaleByRms', scaleByRms({ eps: 0 }), () => { let nu = 0; return (g) => { nu = 0.9 * nu + 0.1 * g * g; return g / Math.sqrt(nu); }; }],
    ['scaleByRms outside', scaleByRms({ eps: 0, epsInSqrt: false }), () => { let nu = 0; return (g) => { nu = 0.9 * nu + 0.1 * g * g; return g / Math.sqrt(nu); }; }],
    ['scaleByStddev', scaleByStddev({ eps: 0 }), () => { let mu = 0, nu = 0; return (g) => { mu = 0.9 * mu + 0.1 * g; nu = 0.9 * nu + 0.1 * g * g; return g / Math.sqrt(nu - mu * mu); }; }],
    ['scaleByAdagrad', scaleByAdagrad({ initialAccumulatorValue: 0, eps: 0 }), () => { let a = 0; return (g) => { a += g * g; return g / Math.sqrt(a); }; }],
  ];

  it('a coordinate whose gradients were all zero gets the update 0 (0/0 -> 0), every other one the formula', () => {
    fc.assert(fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), seedArb, (silent, seed) => expectNoLeak(() => {
      const n = silent.length;
      const params = { w: tf.zeros([n]) };
      for (const [name, tx, makeRef] of cases) {
        const refs = silent.map(() => makeRef());
        let state = tx.init(params);
        for (let t = 1; t <= 4; t++) {
          const gv = values(n, seed + t).map((x, i) => (silent[i] ? 0 : 0.5 + Math.abs(x)));
          const g = { w: tf.tensor(gv) };
          const [u, next] = tx.update(g, state, params);
          const uv = treeValues(u).w;
          uv.forEach((got, i) => {
            const want = silent[i] ? 0 : refs[i](gv[i], t);
            if (silent[i]) refs[i](0, t);
            if (!(Math.abs(got - want) <= 1e-5 + 1e-4 * Math.abs(want))) throw new Error(`${name}, step ${t}, [${i}]: got ${got}, want ${want}`);
          });
          disposeTree([g, u, state]);
          state = next;
        }
        disposeTree(state);
      }
      disposeTree(params);
    })), { numRuns: 20 });
  });

  it('a zero denominator under a non-zero gradient stays a division by zero (Infinity), not a silent 0', () => {
    // decay 1 and initialScale 0 keep nu = 0: g / sqrt(0) = +-Infinity, which applyIfFinite can catch.
    const params = { w: tf.zeros([3]) };
    const tx = scaleByRms({ decay: 1, initialScale: 0, eps: 0 });
    const s = tx.init(params);
    const g = { w: tf.tensor([0, 2, -1]) };
    const [u, next] = tx.update(g, s, params);
    expect(treeValues(u).w).toEqual([0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    disposeTree([params, s, g, u, next]);
  });

  it('adamw({ eps: 0 }) with zero gradients only decays the weights: p_t = (1 - lr wd)^t p_0, no NaN', () => {
    const p0 = [1, -2, 0.5];
    const tx = adamw({ learningRate: 0.1, weightDecay: 0.1, eps: 0 });
    let s = initTrainState({ w: tf.tensor(p0) }, tx);
    const g = { w: tf.zeros([3]) };
    for (let t = 1; t <= 5; t++) {
      const next = step(s, g, tx);
      disposeTree(s);
      s = next;
      treeValues(s.params).w.forEach((v, i) => expect(v).toBeCloseTo(p0[i] * (1 - 0.01) ** t, 6));
    }
    disposeTree([s, g]);
  });
});

describe('clipByGlobalNorm', () => {
  it('leaves a tree within the bound bit for bit unchanged and scales a larger one to norm maxNorm', () => {
    fc.assert(fc.property(treeSpecArb(), seedArb, fc.double({ min: 0.01, max: 5, noNaN: true }), fc.double({ min: 0.1, max: 10, noNaN: true }), (spec, seed, maxNorm, mag) => expectNoLeak(() => {
      const g = buildTree(spec, seed, mag);
      const tx = clipByGlobalNorm(maxNorm);
      const [u] = tx.update(g, tx.init(g));
      const n = globalNorm(g);
      const nu = globalNorm(u);
      const norm = n.dataSync()[0];
      const gv = treeValues(g);
      if (norm <= maxNorm) {
        expect(treeValues(u)).toEqual(gv);
      } else {
        expect(Math.abs(nu.dataSync()[0] - maxNorm)).toBeLessThanOrEqual(1e-5 * maxNorm);
        for (const [path, vals] of Object.entries(treeValues(u))) {
          vals.forEach((v, i) => expect(Math.abs(v - (gv[path][i] * maxNorm) / norm)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(v))));
        }
      }
      disposeTree([g, u, n, nu]);
    })));
  });

  it('globalNorm is the float64 norm of all elements', () => {
    fc.assert(fc.property(treeSpecArb(), seedArb, (spec, seed) => expectNoLeak(() => {
      const g = buildTree(spec, seed);
      const n = globalNorm(g);
      const ref = Math.sqrt(Object.values(treeValues(g)).flat().reduce((a, x) => a + x * x, 0));
      expect(Math.abs(n.dataSync()[0] - ref)).toBeLessThanOrEqual(1e-6 * (1 + ref));
      disposeTree([g, n]);
    })));
  });
});

describe('the ownership rule', () => {
  const params = (): TensorTree => ({ dense: { kernel: tf.tensor([[1, 2], [3, 4]]), bias: tf.tensor([0.5, -0.5]) }, s: tf.scalar(2) });
  const transforms: Array<[string, () => GradientTransformation<any>]> = [
    ['scale', () => scale(2)],
    ['scaleByLearningRate', () => scaleByLearningRate(0.1)],
    ['scaleBySchedule', () => scaleBySchedule((t) => 1 / (t + 1))],
    ['addDecayedWeights', () => addDecayedWeights(0.1)],
    ['clipByGlobalNorm', () => clipByGlobalNorm(1)],
    ['trace', () => trace({ decay: 0.9 })],
    ['trace (decay 0)', () => trace({ decay: 0 })],
    ['scaleByAdam', () => scaleByAdam()],
    ['scaleByRms', () => scaleByRms()],
    ['scaleByStddev', () => scaleByStddev()],
    ['scaleByAdagrad', () => scaleByAdagrad()],
    ['adamw', () => adamw({ learningRate: 0.1 })],
    ['applyIfFinite(chain)', () => applyIfFinite(chain(clipByGlobalNorm(1), trace({ decay: 0.5 })))],
  ];
  for (const [name, make] of transforms) {
    it(`${name}: never disposes or changes its inputs, returns only new tensors`, () => {
      expectNoLeak(() => {
        const tx = make();
        const p = params();
        const s0 = tx.init(p);
        const g = gradsAt(p, 3, 0);
        const inputs = [...tensorsIn(p), ...tensorsIn(s0), ...tensorsIn(g)];
        const snapshot = inputs.map((t) => Array.from(t.dataSync()));
        const [u, s1] = tx.update(g, s0, p);
        for (const [i, t] of inputs.entries()) {
          expect(t.isDisposed).toBe(false);
          expect(Array.from(t.dataSync())).toEqual(snapshot[i]);
        }
        const outputs = [...tensorsIn(u), ...tensorsIn(s1)];
        for (const t of outputs) expect(inputs.includes(t)).toBe(false);
        expect(new Set(outputs).size).toBe(outputs.length);
        disposeTree([p, s0, g]);
        for (const t of outputs) expect(() => t.dataSync()).not.toThrow();
        disposeTree([u, s1]);
      });
    });
  }
});

describe('validation of hyperparameters', () => {
  it('rejects negative, out-of-range and non-finite values, naming parameter, value and range', () => {
    expectThrowsNoLeak(() => scaleByLearningRate(-0.1), /learningRate = -0.1/, /0 <= learningRate/);
    expectThrowsNoLeak(() => scaleByAdam({ b1: 1 }), /scaleByAdam: b1 = 1/, /0 <= b1 < 1/);
    expectThrowsNoLeak(() => scaleByAdam({ b2: -0.5 }), /b2 = -0.5/, /0 <= b2 < 1/);
    expectThrowsNoLeak(() => scaleByAdam({ eps: Number.NaN }), /eps = NaN/, /finite/);
    expectThrowsNoLeak(() => scaleByAdam({ epsRoot: -1e-8 }), /epsRoot = -1e-8/);
    expectThrowsNoLeak(() => scaleByRms({ decay: 1.5 }), /decay = 1.5/, /0 <= decay <= 1/);
    expectThrowsNoLeak(() => scaleByAdagrad({ initialAccumulatorValue: -0.1 }), /initialAccumulatorValue = -0.1/);
    expectThrowsNoLeak(() => addDecayedWeights(Number.POSITIVE_INFINITY), /weightDecay = Infinity/);
    expectThrowsNoLeak(() => clipByGlobalNorm(0), /maxNorm = 0/, /0 < maxNorm/);
    expectThrowsNoLeak(() => trace({ decay: -0.1 }), /trace: decay = -0.1/);
    expectThrowsNoLeak(() => scale(Number.NaN), /scale: step = NaN/);
    expectThrowsNoLeak(() => scaleByAdam({ beta1: 0.9 } as never), /unknown option 'beta1'/, /b1/);
    expectThrowsNoLeak(() => adamw({ learningRate: 0.1, weightDecay: -1 }), /weightDecay = -1/);
  });

  it('checks a learning-rate schedule at every step, naming the count', () => {
    const p = { w: tf.ones([2]) };
    const tx: GradientTransformation<any> = scaleByLearningRate((t) => (t < 2 ? 0.1 : -1));
    let s: StateValue = tx.init(p);
    for (let k = 0; k < 2; k++) {
      const [u, s2] = tx.update(p, s);
      disposeTree([u, s]);
      s = s2;
    }
    expectThrowsNoLeak(() => tx.update(p, s), /count 2/, /-1/, /0 <= learningRate/);
    disposeTree([p, s]);
  });

  it('a transform given a state of other parameters names the path', () => {
    const tx = trace({ decay: 0.9 });
    const a = { w: tf.ones([2]) };
    const b = { v: tf.ones([2]) };
    const c = { w: tf.ones([3]) };
    const s = tx.init(a);
    expectThrowsNoLeak(() => tx.update(b, s), /trace/, /'v'/);
    expectThrowsNoLeak(() => tx.update(c, s), /'w'/, /\[3\]/, /\[2\]/);
    expectThrowsNoLeak(() => addDecayedWeights(0.1).update(a, {}), /params are required/);
    disposeTree([a, b, c, s]);
  });

  it('scaleByAdam fails on a corrupted count', () => {
    const p = { w: tf.ones([2]) };
    const tx = scaleByAdam();
    const s = tx.init(p);
    expectThrowsNoLeak(() => tx.update(p, { ...s, count: -1 }), /count is -1/);
    disposeTree([p, s]);
  });
});


