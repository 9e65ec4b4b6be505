/**
 * Batched matrix products on the wasm backend, for the shapes of Shampoo's blocks: a
 * stacked tf.matMul of B products [B, p, q] x [B, q, r] against the same B products as
 * separate 2-D tf.matMul calls, with tfjs-backend-wasm's shipped BatchMatMul kernel and
 * with ours (useBackend('wasm'): transposed operands transposed first, batches run slice
 * by slice on XNNPACK). And the cost of one kernel launch (tf.add of two [2] tensors).
 * Variants alternate within each round (in rotated order), rounds repeat; medians are
 * printed. Run from the repo root:
 *   npx tsx packages/backends/scripts/batched-matmul-speed.mts [rounds] [--quick] [--only <block, e.g. 512x10>] [--batch <B>]
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { useBackend } from '../src/index.js';

// tfjs-backend-wasm's own BatchMatMul, captured before useBackend wraps it.
const shipped = { ...tf.getKernel('BatchMatMul', 'wasm') } as tf.KernelConfig;
const info = await useBackend('wasm');
const ours = { ...tf.getKernel('BatchMatMul', 'wasm') } as tf.KernelConfig;

const args = process.argv.slice(2);
const rounds = Number(args.find((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--batch') ?? 7);
const quick = args.includes('--quick');
const optionValue = (name: string) => { const i = args.indexOf(name); return i < 0 ? undefined : args[i + 1]; };
const only = optionValue('--only');
const onlyBatch = optionValue('--batch');

function useKernel(config: tf.KernelConfig): void {
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel(config);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Median milliseconds of each variant over `roundCount` rounds, variants alternating in
 * rotated order. A variant prepares its inputs untimed and returns the ms of its timed part.
 */
function timeInterleaved(variants: Record<string, () => number>, roundCount: number): Record<string, number> {
  const names = Object.keys(variants);
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const n of names) variants[n](); // warm-up
  for (let r = 0; r < roundCount; r++) {
    for (let j = 0; j < names.length; j++) {
      const n = names[(r + j) % names.length];
      times[n].push(variants[n]());
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(times[n])]));
}

/** Runs fn and returns its wall time in ms. */
function timed(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/** A product kind; `keptB`: B is the same tensor at every call (a preconditioner kept between steps), else fresh. */
interface Product { name: string; a: [number, number]; b: [number, number]; transposeA: boolean; transposeB: boolean; keptB?: boolean }

/** The products of a block G [n, m]: statistics G G^T, G^T G and preconditioning X_L G, X_L^T G, G X_R. */
function blockProducts(n: number, m: number): Product[] {
  return [
    { name: 'G G^T', a: [n, m], b: [n, m], transposeA: false, transposeB: true },
    { name: 'G^T G', a: [n, m], b: [n, m], transposeA: true, transposeB: false },
    { name: 'X_L G', a: [n, n], b: [n, m], transposeA: false, transposeB: false },
    { name: 'X_L^T G', a: [n, n], b: [n, m], transposeA: true, transposeB: false },
    { name: 'G X_R', a: [n, m], b: [m, m], transposeA: false, transposeB: false, keptB: true },
  ];
}

const macsOf = (p: Product) => {
  const [p0, p1] = p.transposeA ? [p.a[1], p.a[0]] : p.a;
  const r = p.transposeB ? p.b[0] : p.b[1];
  return p0 * p1 * r;
};

/**
 * Median ms of the three ways to compute `batch` products of kind `p`. Every call gets
 * operands freshly written (untimed), as Shampoo's gradients are each step, except a kept
 * B (`keptB`, the same tensors every call, as a preconditioner between root steps):
 * XNNPACK caches its packed weights by tensor id, so which B is reused matters.
 */
function measureProduct(p: Product, batch: number, roundCount: number): Record<string, number> {
  const a0 = tf.randomNormal([batch, ...p.a]);
  const b0 = tf.randomNormal([batch, ...p.b]);
  const keptSlices = tf.unstack(b0);
  const run = (config: tf.KernelConfig, separate: boolean) => () => {
    useKernel(config);
    const a = tf.add(a0, 0);
    const b = p.keptB ? b0 : tf.add(b0, 0);
    const aSlices = separate ? tf.unstack(a) : [];
    const bSlices = !separate ? [] : p.keptB ? keptSlices : tf.unstack(b);
    let out: tf.Tensor[] = [];
    const ms = timed(() => {
      out = separate
        ? aSlices.map((x, i) => tf.matMul(x, bSlices[i], p.transposeA, p.transposeB))
        : [tf.matMul(a, b, p.transposeA, p.transposeB)];
    });
    tf.dispose([a, ...aSlices, ...out]);
    if (!p.keptB) tf.dispose([b, ...bSlices]);
    return ms;
  };
  const times = timeInterleaved({
    separate: run(ours, true),
    'batched, tfjs kernel': run(shipped, false),
    'batched, ours': run(ours, false),
  }, roundCount);
  tf.dispose([a0, b0, ...keptSlices]);
  useKernel(ours);
  return times;
}

/** Median microseconds of one tf.add of two [2] tensors (plus its dispose), over `calls` calls per round. */
function launchCost(calls: number, roundCount: number): number {
  const x = tf.tensor1d([1, 2]);
  const y = tf.tensor1d([3, 4]);
  const { add } = timeInterleaved({
    add: () => timed(() => {
      for (let i = 0; i < calls; i++) tf.add(x, y).dispose();
    }),
  }, roundCount);
  tf.dispose([x, y]);
  return (add / calls) * 1000;
}

const fmt = (ms: number) => (ms < 1 ? ms.toFixed(3) : ms < 100 ? ms.toFixed(2) : ms.toFixed(0));

// Shapes of Shampoo's blocks: square n x n, and n x 10 (a 10-wide output layer's block).
const shapes: [number, number][] = quick ? [[128, 128], [128, 10]]
  : [[8, 8], [16, 16], [32, 32], [64, 64], [128, 128], [256, 256], [512, 512], [64, 10], [128, 10], [512, 10]];
const batches = quick ? [8] : [2, 8, 32, 64];
/** Largest multiply-adds per stacked call measured (the shipped loop runs at ~1-5 GFLOP/s). */
const MAX_MACS = 2 ** 28;

console.log(`wasm BatchMatMul, median ms of ${rounds} interleaved rounds (threads: ${info.threads})`);
console.log('| block | product | B | separate 2-D | batched, tfjs kernel | batched, ours | tfjs / separate | ours / separate | ours GFLOP/s |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const [n, m] of shapes) {
  if (only != null && only !== `${n}x${m}`) continue;
  for (const p of blockProducts(n, m)) {
    if (m === n && p.name === 'X_L^T G') continue; // square: the shapes of G^T G
    for (const batch of onlyBatch != null ? [Number(onlyBatch)] : batches) {
      if (batch * macsOf(p) > MAX_MACS) continue;
      const t = measureProduct(p, batch, rounds);
      const gflops = (2 * batch * macsOf(p)) / (t['batched, ours'] * 1e6);
      console.log(`| ${n}x${m} | ${p.name} | ${batch} | ${fmt(t.separate)} | ${fmt(t['batched, tfjs kernel'])} | ${fmt(t['batched, ours'])} | ${(t['batched, tfjs kernel'] / t.separate).toFixed(2)} | ${(t['batched, ours'] / t.separate).toFixed(2)} | ${gflops.toFixed(1)} |`);
    }
  }
}

const calls = 10_000;
const perLaunch = launchCost(calls, rounds);
console.log(`\nkernel launch: tf.add of two [2] tensors, ${calls} calls per round: median ${perLaunch.toFixed(2)} us per call`);
console.log(`at 2505 kernels per Shampoo update: ${(perLaunch * 2505 / 1000).toFixed(1)} ms of launch overhead; at 96 (AdamW): ${(perLaunch * 96 / 1000).toFixed(2)} ms`);
