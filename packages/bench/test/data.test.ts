import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../src/data/rng.js';
import { BatchOrder } from '../src/data/batches.js';
import { Dataset } from '../src/data/dataset.js';
import { loadMnist } from '../src/data/mnist.js';
import { BROWN_ALPHABET, BROWN_VOCAB, encode, loadBrown, untag } from '../src/data/brown.js';
import { TextWindows } from '../src/data/text-windows.js';

describe('Rng', () => {
  it('is deterministic per seed and uniform in [0, 1)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const a = new Rng(seed);
        const b = new Rng(seed);
        for (let i = 0; i < 50; i++) {
          const u = a.uniform();
          expect(u).toBe(b.uniform());
          expect(u).toBeGreaterThanOrEqual(0);
          expect(u).toBeLessThan(1);
        }
      }),
    );
  });

  it('permutation is a permutation of 0..n-1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 300 }), (seed, n) => {
        const p = Array.from(new Rng(seed).permutation(n)).sort((x, y) => x - y);
        expect(p).toEqual(Array.from({ length: n }, (_, i) => i));
      }),
    );
  });

  it('normal draws have mean about 0 and variance about 1', () => {
    const rng = new Rng(7);
    const xs = Array.from({ length: 20000 }, () => rng.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03); // 4 standard errors
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('rejects a non-integer seed, naming it', () => {
    expect(() => new Rng(1.5)).toThrow(/seed = 1.5 .*allowed: an integer/);
  });
});

describe('BatchOrder', () => {
  it('visits every example once per epoch, in whole batches', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 50 }), fc.integer(), (size, b, seed) => {
        fc.pre(b <= size);
        const order = new BatchOrder(size, b, seed);
        const seen = new Set<number>();
        for (let k = 0; k < order.batchesPerEpoch; k++) for (const i of order.indices(k)) seen.add(i);
        expect(seen.size).toBe(order.batchesPerEpoch * b);
        expect(order.batchesPerEpoch).toBe(Math.floor(size / b));
      }),
    );
  });

  it('is a function of the seed', () => {
    const a = new BatchOrder(100, 10, 3);
    const b = new BatchOrder(100, 10, 3);
    const c = new BatchOrder(100, 10, 4);
    const take = (o: BatchOrder) => Array.from({ length: 25 }, (_, k) => Array.from(o.indices(k))).flat();
    const ta = take(a);
    expect(ta).toEqual(take(b));
    expect(ta).not.toEqual(take(c));
  });

  it('rejects a batch larger than the data set', () => {
    expect(() => new BatchOrder(10, 11, 0)).toThrow(/batchSize = 11 .*allowed: an integer in \[1, 10\]/);
  });
});

describe('Dataset', () => {
  const ds = new Dataset(Float32Array.from({ length: 12 }, (_, i) => i), Float32Array.from([1, 0, 0, 1, 1, 0]), [2, 2], 2);

  it('batch copies the chosen rows in order', () => {
    const b = ds.batch([2, 0]);
    expect(b.x.shape).toEqual([2, 2, 2]);
    expect(Array.from(b.x.dataSync())).toEqual([8, 9, 10, 11, 0, 1, 2, 3]);
    expect(Array.from(b.y.dataSync())).toEqual([1, 0, 1, 0]);
    tf.dispose([b.x, b.y]);
  });

  it('rejects an index outside the set and inconsistent sizes', () => {
    expect(() => ds.batch([3])).toThrow(/index 3 is outside \[0, 3\)/);
    expect(() => ds.subset([0, 3])).toThrow(/Dataset.subset: index 3 is outside \[0, 3\)/);
    expect(Array.from(ds.subset([1]).inputs)).toEqual([4, 5, 6, 7]);
    expect(() => new Dataset(new Float32Array(5), new Float32Array(4), [2], 2)).toThrow(/do not make whole examples/);
  });
});

describe('loadMnist', () => {
  it('holds out 10% of every class; pixels in [0, 1]; targets one-hot', () => {
    const { train, test } = loadMnist();
    expect(train.size + test.size).toBeGreaterThan(9900);
    expect(test.size / (train.size + test.size)).toBeCloseTo(0.1, 2);
    const perClass = (d: Dataset) => {
      const c = new Array(10).fill(0);
      for (let i = 0; i < d.size; i++) c[d.targets.subarray(i * 10, i * 10 + 10).indexOf(1)]++;
      return c;
    };
    const tr = perClass(train);
    const te = perClass(test);
    for (let k = 0; k < 10; k++) expect(Math.abs(te[k] - 0.1 * (tr[k] + te[k]))).toBeLessThanOrEqual(0.5);
    let min = Infinity;
    let max = -Infinity;
    for (const v of test.inputs) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(min).toBe(0);
    expect(max).toBeLessThanOrEqual(1);
    expect(max).toBeGreaterThan(0.9);
    for (let i = 0; i < test.size; i++) expect(test.targets.subarray(i * 10, i * 10 + 10).reduce((a, b) => a + b, 0)).toBe(1);
    // Shuffled: the first 100 test digits already hold every class.
    const first = new Set<number>();
    for (let i = 0; i < 100; i++) first.add(test.targets.subarray(i * 10, i * 10 + 10).indexOf(1));
    expect(first.size).toBe(10);
  });

  it('the split is the same on every call and train and test share no digit', () => {
    const a = loadMnist();
    const b = loadMnist();
    let differing = 0;
    for (let i = 0; i < a.test.inputs.length; i++) if (a.test.inputs[i] !== b.test.inputs[i]) differing++;
    expect(differing).toBe(0);
    expect(b.test.inputs.length).toBe(a.test.inputs.length);
    // A cheap fingerprint of a digit: two weighted pixel sums (equal digits give equal keys).
    const key = (d: Dataset, i: number) => {
      let h1 = 0;
      let h2 = 0;
      for (let j = 0; j < 784; j++) {
        const v = d.inputs[i * 784 + j];
        h1 += v * ((j % 97) + 1);
        h2 += v * ((j % 89) + 1);
      }
      return `${h1.toFixed(3)}:${h2.toFixed(3)}`;
    };
    const trainKeys = new Set(Array.from({ length: a.train.size }, (_, i) => key(a.train, i)));
    let shared = 0;
    for (let i = 0; i < a.test.size; i++) if (trainKeys.has(key(a.test, i))) shared++;
    expect(shared).toBe(0);
  });

  it('rejects a test fraction outside (0, 1)', () => {
    expect(() => loadMnist(1)).toThrow(/testFraction = 1 .*allowed: a number in \(0, 1\)/);
  });
});

describe('Brown corpus text', () => {
  it('untag strips tags, joins quotes and punctuation, lower-cases', () => {
    expect(untag('The/at jury/nn said/vbd ``/`` no/at ,/, evidence/nn ./.')).toBe('the jury said " no, evidence.');
    expect(untag("Atlanta's/np$ 1/cd-tl")).toBe("atlanta's 1");
  });

  it('encode maps the alphabet to its indices and anything else to unknown', () => {
    expect(Array.from(encode('ab z'))).toEqual([0, 1, BROWN_ALPHABET.indexOf(' '), 25]);
    expect(Array.from(encode('é'))).toEqual([BROWN_VOCAB - 1]);
  });

  it('loads press reportage with a held-out part of real English', () => {
    const t = loadBrown();
    expect(t.documents).toBe(44);
    expect(t.train.length).toBeGreaterThan(300_000);
    expect(t.test.length).toBeGreaterThan(30_000);
    const space = BROWN_ALPHABET.indexOf(' ');
    const spaces = t.test.filter((c) => c === space).length / t.test.length;
    expect(spaces).toBeGreaterThan(0.12); // English: about one character in six is a space
    expect(spaces).toBeLessThan(0.22);
  });
});

describe('TextWindows', () => {
  it('example i is text[i..i+k-1] one-hot with target text[i+k]', () => {
    const text = Uint8Array.from([0, 1, 2, 3, 1]);
    const w = new TextWindows(text, 2, 4);
    expect(w.size).toBe(3);
    const b = w.batch([1, 2]);
    expect(b.x.shape).toEqual([2, 2, 4]);
    expect(Array.from(b.x.dataSync())).toEqual([0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect(Array.from(b.y.dataSync())).toEqual([0, 0, 0, 1, 0, 1, 0, 0]);
    tf.dispose([b.x, b.y]);
    const even = w.evenlySpaced(2);
    expect(even.size).toBe(2);
    const e = even.batch([1]);
    expect(Array.from(e.y.dataSync())).toEqual([0, 0, 0, 1]); // start 1 -> target text[3]
    tf.dispose([e.x, e.y]);
    expect(() => w.batch([3])).toThrow(/index 3 is outside \[0, 3\)/);
  });
});
