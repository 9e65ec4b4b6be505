import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import {
  adam,
  applyUpdates,
  chain,
  disposeTree,
  identity,
  initTrainState,
  injectHyperparams,
  leavesWithPaths,
  masked,
  namedChain,
  partition,
  scale,
  scaleByAdam,
  setHyperparam,
  sgd,
  step,
  trace,
  treeMap,
  type GradientTransformation,
  type InjectHyperparamsState,
  type StateValue,
  type TensorTree,
  type TrainState,
} from '@shampoo-ts/core';
import { buildTree, gradsAt, hash, ShapeLeaf, treeSpecArb, type TreeSpec } from './support/arbitraries.js';
import { stateBytes, treeValues } from './support/compare.js';
import { expectNoLeak, expectThrowsNoLeak } from './support/leaks.js';

const seedArb = fc.integer({ min: 1, max: 2 ** 30 });

/** Runs `steps` updates of `tx` on deterministic gradients; returns the updates' values per step and disposes everything. */
function updatesOver(tx: GradientTransformation<any>, params: TensorTree, seed: number, steps: number): Array<Record<string, number[]>> {
  let state: StateValue = tx.init(params);
  const out: Array<Record<string, number[]>> = [];
  for (let k = 0; k < steps; k++) {
    const g = gradsAt(params, seed, k);
    const [u, s] = tx.update(g, state, params);
    out.push(treeValues(u));
    disposeTree([g, u, state]);
    state = s;
  }
  disposeTree(state);
  return out;
}

/** Builds a tree of labels with the structure of a spec, from a function of the path. */
function labelTree<L>(spec: TreeSpec, f: (path: string) => L, path = ''): unknown {
  if (spec instanceof ShapeLeaf) return f(path);
  if (Array.isArray(spec)) return spec.map((s, i) => labelTree(s, f, path === '' ? `${i}` : `${path}/${i}`));
  return Object.fromEntries(Object.entries(spec).map(([k, s]) => [k, labelTree(s, f, path === '' ? k : `${path}/${k}`)]));
}

describe('identity and chain', () => {
  it('identity returns new tensors with the same values, and an empty state', () => {
    fc.assert(fc.property(treeSpecArb(), seedArb, (spec, seed) => expectNoLeak(() => {
      const g = buildTree(spec, seed);
      const tx = identity();
      const [u, s] = tx.update(g, tx.init(g));
      expect(s).toEqual({});
      expect(treeValues(u)).toEqual(treeValues(g));
      const gl = leavesWithPaths(g).map(([, t]) => t);
      for (const [, t] of leavesWithPaths(u)) expect(gl.includes(t)).toBe(false);
      disposeTree(u);
      for (const t of gl) expect(t.isDisposed).toBe(false);
      disposeTree(g);
    })));
  });

  it('a chain of identities is the identity', () => {
    fc.assert(fc.property(treeSpecArb(), seedArb, fc.integer({ min: 0, max: 4 }), (spec, seed, n) => expectNoLeak(() => {
      const g = buildTree(spec, seed);
      const tx = chain(...Array.from({ length: n }, () => identity()));
      const s0 = tx.init(g);
      expect(s0).toEqual(Array.from({ length: n }, () => ({})));
      const [u, s] = tx.update(g, s0);
      expect(treeValues(u)).toEqual(treeValues(g));
      expect(s).toEqual(s0);
      disposeTree([u, g]);
    })));
  });

  it('chain(a, b) applies a then b, and chain is associative', () => {
    fc.assert(fc.property(treeSpecArb(), seedArb, fc.double({ min: -3, max: 3, noNaN: true }), (spec, seed, c) => expectNoLeak(() => {
      const params = buildTree(spec, seed);
      const a = () => scale(c);
      const b = () => trace({ decay: 0.5 });
      const d = () => scaleByAdam();
      const left = updatesOver(chain(chain(a(), b()), d()), params, seed, 4);
      const right = updatesOver(chain(a(), chain(b(), d())), params, seed, 4);
      const flat = updatesOver(chain(a(), b(), d()), params, seed, 4);
      expect(left).toEqual(flat);
      expect(right).toEqual(flat);
      // Against the composition written out by hand.
      let sb = b().init(params);
      let sd = d().init(params);
      for (let k = 0; k < 4; k++) {
        const g = gradsAt(params, seed, k);
        const [u1] = a().update(g, {});
        const [u2, sb2] = b().update(u1, sb);
        const [u3, sd2] = d().update(u2, sd);
        expect(treeValues(u3)).toEqual(flat[k]);
        disposeTree([g, u1, u2, u3, sb, sd]);
        sb = sb2;
        sd = sd2;
      }
      disposeTree([sb, sd, params]);
    })), { numRuns: 15 });
  });

  it('namedChain computes what chain computes and keys the state by name', () => {
    fc.assert(fc.property(treeSpecArb(), seedArb, (spec, seed) => expectNoLeak(() => {
      const params = buildTree(spec, seed);
      const named = namedChain(['momentum', trace({ decay: 0.9 })], ['lr', scale(-0.1)]);
      const plain = chain(trace({ decay: 0.9 }), scale(-0.1));
      expect(updatesOver(named, params, seed, 3)).toEqual(updatesOver(plain, params, seed, 3));
      const s = named.init(params) as { momentum: { trace: Record<string, tf.Tensor> }; lr: object };
      expect(Object.keys(s).sort()).toEqual(['lr', 'momentum']);
      expect(Object.keys(s.momentum.trace).sort()).toEqual(leavesWithPaths(params).map(([p]) => p).sort());
      disposeTree([s, params]);
    })), { numRuns: 15 });
  });

  it('namedChain rejects a duplicated name', () => {
    expectThrowsNoLeak(() => namedChain(['a', identity()], ['a', identity()]), /'a'/, /distinct/);
  });
});

describe('partition', () => {
  const factors: Record<string, number> = { x: 2, y: 3, z: 5 };
  const labelOf = (path: string) => ['x', 'y', 'z'][hash(path) % 3];

  it('routes every leaf through exactly one transform, by function or by tree of labels', () => {
    fc.assert(fc.property(treeSpecArb(), seedArb, fc.boolean(), (spec, seed, asTree) => expectNoLeak(() => {
      const params = buildTree(spec, seed);
      const visits = new Map<string, number>();
      // A spy transform: scales by its label's factor and counts the paths it sees.
      const spy = (label: string): GradientTransformation<StateValue> => ({
        init: () => ({}),
        update: (u) => {
          for (const [p] of leavesWithPaths(u)) visits.set(p, (visits.get(p) ?? 0) + 1);
          return [treeMap((t) => tf.mul(t, factors[label]), u), {}];
        },
      });
      const labels = asTree ? (labelTree(spec, labelOf) as never) : (p: string) => labelOf(p);
      const tx = partition({ x: spy('x'), y: spy('y'), z: spy('z') }, labels);
      const g = gradsAt(params, seed, 0);
      const s0 = tx.init(params);
      const [u, s] = tx.update(g, s0, params);
      const gv = treeValues(g);
      for (const [path, vals] of Object.entries(treeValues(u))) {
        expect(visits.get(path)).toBe(1);
        expect(vals).toEqual(gv[path].map((v) => Math.fround(v * factors[labelOf(path)])));
      }
      expect([...visits.keys()].sort()).toEqual(Object.keys(gv).sort());
      disposeTree([g, u, s, s0, params]);
    })));
  });

  it("gives each transform a state over its own leaves only, keyed by path", () => {
    fc.assert(fc.property(treeSpecArb(), seedArb, (spec, seed) => expectNoLeak(() => {
      const params = buildTree(spec, seed);
      const tx = partition({ x: trace({ decay: 0.9 }), y: scaleByAdam(), z: identity() }, (p) => labelOf(p));
      const s = tx.init(params) as { x: { trace: object }; y: { mu: object; nu: object }; z: object };
      const paths = leavesWithPaths(params).map(([p]) => p);
      expect(Object.keys(s.x.trace).sort()).toEqual(paths.filter((p) => labelOf(p) === 'x').sort());
      expect(Object.keys(s.y.mu).sort()).toEqual(paths.filter((p) => labelOf(p) === 'y').sort());
      disposeTree([s, params]);
    })));
  });

  it('rejects a label without a transform, naming the leaf and the allowed labels', () => {
    const params = { w: tf.zeros([2]), b: tf.zeros([1]) };
    expectThrowsNoLeak(() => partition({ a: identity() }, { w: 'a', b: 'nope' }).init(params), /'b'/, /'nope'/, /allowed labels: \[a\]/);
    expectThrowsNoLeak(() => partition({ a: identity() }, { w: 'a' }).init(params), /'b'/);
    expectThrowsNoLeak(() => partition({ a: identity() }, { w: 'a', b: 'a', c: 'a' }).init(params), /'c'/);
    disposeTree(params);
  });
});

describe('masked', () => {
  it('leaves unselected updates untouched and applies the inner transform to the others', () => {
    fc.assert(fc.property(treeSpecArb(), seedArb, fc.boolean(), (spec, seed, asTree) => expectNoLeak(() => {
      const params = buildTree(spec, seed);
      const pick = (p: string) => hash(`m${p}`) % 2 === 0;
      const mask = asTree ? (labelTree(spec, pick) as never) : (p: string) => pick(p);
      const tx = masked(chain(trace({ decay: 0.5 }), scale(-3)), mask);
      const ref = chain(trace({ decay: 0.5 }), scale(-3));
      const ours = updatesOver(tx, params, seed, 3);
      const inner = updatesOver(ref, params, seed, 3);
      for (let k = 0; k < 3; k++) {
        const g = gradsAt(params, seed, k);
        const gv = treeValues(g);
        for (const path of Object.keys(gv)) expect(ours[k][path]).toEqual(pick(path) ? inner[k][path] : gv[path]);
        disposeTree(g);
      }
      const s = tx.init(params) as { inner: [{ trace: object }, object] };
      expect(Object.keys(s.inner[0].trace).sort()).toEqual(leavesWithPaths(params).map(([p]) => p).filter(pick).sort());
      disposeTree([s, params]);
    })));
  });

  it('accepts a mask tree that stops above the leaves', () => {
    const params = { dense1: { kernel: tf.ones([2, 2]), bias: tf.ones([2]) }, dense2: { kernel: tf.ones([2]) } };
    const tx = masked(scale(0), { dense1: true, dense2: false });
    const [u] = tx.update(params, tx.init(params));
    expect(treeValues(u)).toEqual({ 'dense1/bias': [0, 0], 'dense1/kernel': [0, 0, 0, 0], 'dense2/kernel': [1, 1] });
    disposeTree([u, params]);
  });
});

describe('injectHyperparams and setHyperparam', () => {
  it('a changed learning rate takes effect at the next step, and momentum is kept', () => {
    fc.assert(fc.property(seedArb, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 5 }), (seed, lrs) => expectNoLeak(() => {
      const params = { w: tf.tensor(Array.from({ length: 3 }, (_, i) => i - 1)) };
      const tx = injectHyperparams(sgd)({ learningRate: lrs[0], momentum: 0.5 });
      let state: TrainState = initTrainState(params, tx);
      const expected = Array.from((params.w as tf.Tensor).dataSync());
      let mom = [0, 0, 0];
      lrs.forEach((lr, k) => {
        if (k > 0) {
          const changed = setHyperparam(state, 'learningRate', lr);
          disposeTree(state);
          state = changed;
        }
        const g = gradsAt(params, seed, k) as { w: tf.Tensor };
        const gv = Array.from(g.w.dataSync());
        mom = mom.map((m, i) => 0.5 * m + gv[i]);
        expected.forEach((_, i) => (expected[i] -= lr * mom[i]));
        const next = step(state, g, tx);
        disposeTree([state, g]);
        state = next;
        expect((state.optState as InjectHyperparamsState).hyperparams.learningRate).toBe(lr);
      });
      const got = Array.from((state.params as { w: tf.Tensor }).w.dataSync());
      got.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1e-5 * (1 + Math.abs(expected[i]))));
      disposeTree([state, params]);
    })));
  });

  it('a schedule injected into adam gives exactly adam with that schedule, and the state records its value', () => {
    const params = { w: tf.tensor([[1, -2], [0.5, 3]]), b: tf.tensor([0.1]) };
    const schedule = (k: number) => 0.1 * 0.9 ** k;
    const a = injectHyperparams(adam)({ learningRate: schedule, b1: 0.8 });
    const b = adam({ learningRate: schedule, b1: 0.8 });
    let sa: TrainState = initTrainState(params, a);
    let sb: TrainState = initTrainState(params, b);
    for (let k = 0; k < 5; k++) {
      const g = gradsAt(params, 7, k);
      const na = step(sa, g, a);
      const nb = step(sb, g, b);
      disposeTree([sa, sb, g]);
      sa = na;
      sb = nb;
      const inj = sa.optState as InjectHyperparamsState;
      expect(inj.scheduled.learningRate).toBe(schedule(k));
      expect(inj.hyperparams.b1).toBe(0.8);
      expect(inj.count).toBe(k + 1);
    }
    expect(stateBytes(sa.params)).toEqual(stateBytes(sb.params));
    disposeTree([sa, sb, params]);
  });

  it('setHyperparam leaves the old state intact and valid after the old one is disposed', () => {
    const params = { w: tf.ones([2]) };
    const tx = chain(identity(), injectHyperparams(sgd)({ learningRate: 0.1, momentum: 0.9 }));
    const s0 = initTrainState(params, tx);
    const before = stateBytes(s0);
    const s1 = setHyperparam(s0, 'learningRate', 0.2);
    expect(stateBytes(s0)).toEqual(before);
    expect(((s0.optState as unknown[])[1] as InjectHyperparamsState).hyperparams.learningRate).toBe(0.1);
    expect(((s1.optState as unknown[])[1] as InjectHyperparamsState).hyperparams.learningRate).toBe(0.2);
    disposeTree(s0);
    const g = { w: tf.ones([2]) };
    const s2 = step(s1, g, tx);
    expect(Array.from((s2.params as { w: tf.Tensor }).w.dataSync())).toEqual([0.8, 0.8].map(Math.fround));
    disposeTree([s1, s2, g, params]);
  });

  it('setHyperparam rejects unknown names, scheduled names and non-finite values, naming them', () => {
    const params = { w: tf.ones([2]) };
    const tx = injectHyperparams(adam)({ learningRate: (k: number) => 0.1 / (k + 1), b1: 0.9 });
    const s = initTrainState(params, tx);
    expectThrowsNoLeak(() => setHyperparam(s, 'beta1', 0.5), /'beta1'/, /\[b1\]/);
    expectThrowsNoLeak(() => setHyperparam(s, 'learningRate', 0.5), /'learningRate'/, /schedule/);
    expectThrowsNoLeak(() => setHyperparam(s, 'b1', Number.NaN), /b1 = NaN/, /finite/);
    const plain = initTrainState(params, adam({ learningRate: 0.1 }));
    expectThrowsNoLeak(() => setHyperparam(plain, 'b1', 0.5), /no injectHyperparams state/);
    disposeTree([s, plain, params]);
  });

  it('an injected value the inner transform rejects fails at the next step, which changes nothing', () => {
    const params = { w: tf.ones([2]) };
    const tx = injectHyperparams(adam)({ learningRate: 0.1, b1: 0.9 });
    const s = setHyperparam(initTrainState(params, tx), 'b1', 1.5);
    const g = { w: tf.ones([2]) };
    const before = stateBytes(s);
    expectThrowsNoLeak(() => step(s, g, tx), /b1 = 1.5/, /0 <= b1 < 1/);
    expect(stateBytes(s)).toEqual(before);
    disposeTree([s, g, params]);
  });
});

describe('applyUpdates', () => {
  it('adds the updates leaf by leaf', () => {
    fc.assert(fc.property(treeSpecArb(), seedArb, (spec, seed) => expectNoLeak(() => {
      const p = buildTree(spec, seed);
      const u = buildTree(spec, seed + 1);
      const r = applyUpdates(p, u);
      const pv = treeValues(p);
      const uv = treeValues(u);
      for (const [path, vals] of Object.entries(treeValues(r))) {
        expect(vals).toEqual(pv[path].map((x, i) => Math.fround(x + uv[path][i])));
      }
      disposeTree([p, u, r]);
    })));
  });

  it('rejects an update of another shape, naming the path and both shapes', () => {
    const p = { a: { w: tf.zeros([2, 3]) } };
    const u = { a: { w: tf.zeros([3, 2]) } };
    expectThrowsNoLeak(() => applyUpdates(p, u), /'a\/w'/, /\[3,2\]/, /\[2,3\]/);
    disposeTree([p, u]);
  });
});
