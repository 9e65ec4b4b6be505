#!/usr/bin/env node
/**
 * Where one Shampoo step's time goes, on the wasm backend, against AdamW.
 *
 * Model: MLP 784-512-512-10 (relu, softmax cross-entropy), random data, batch B.
 * Optimizers: AdamW (b1 0.9, b2 0.999, eps 1e-8, wd 1e-4) and Shampoo (betas [0.9, 0.999],
 * epsilon 1e-12, decoupled wd 1e-4, Adam grafting (0.999, 1e-8), preconditionFrequency 100,
 * host float64 roots), as packages/bench's step suite configures them.
 *
 * Per batch size it measures, interleaved (AdamW, then every Shampoo configuration, the order
 * rotated every round) so that load changes hit all of them alike, both wall-clock and this
 * process's CPU time (process.cpuUsage: robust when other processes share the cores):
 *   step       = forward + backward + optimizer update + apply, median over --steps rounds
 *                (Shampoo on non-root steps after its first root step; with
 *                factorUpdateFrequency k, the median of the means of k consecutive steps)
 *   root       = (median root step - median step), amortized over preconditionFrequency 100
 *   ratio      = (Shampoo step + root amortized) / AdamW step
 *   flop bound = (model FLOPs + Shampoo's extra FLOPs) / model FLOPs, model FLOPs =
 *                6 B sum(in out); extra = sum over blocks of 2 m n (m + n) for the
 *                preconditioning plus 2 m n (m + n) / k for the factor updates (1-D blocks: m = 1)
 * and, for every Shampoo configuration, a breakdown of its update alone in CPU ms (medians
 * over --phase-reps, each piece run on its own on the real blocks): factor updates
 * (variant.updateStatistics, per factor-update step), preconditioning (variant.precondition),
 * grafting (accumulate, direction, norm matching), filtered gradient, and the rest (weight
 * decay, blocking, clones, bookkeeping) as update minus those; the number of tfjs kernels
 * per update times the CPU cost of one tiny kernel (the op overhead estimate); and the
 * number of synchronous tensor reads (engine readSync) on a non-root step.
 *
 * Usage (build first: npx turbo run build --filter=@shampoo-ts/bench...):
 *   node packages/bench/scripts/profile-step.mjs [--batch 128,1024] [--steps 30]
 *     [--phase-reps 15] [--baseline DIST_DIR] [--sweep] [--json FILE]
 * --baseline adds a 'before' configuration from another build of @shampoo-ts/shampoo's dist/
 *   (e.g. an older commit's build copied to /tmp/before/node_modules/@shampoo-ts/shampoo/ with
 *   its package.json, every other entry of /tmp/before/node_modules a symlink to the
 *   repository's node_modules, so that both builds share one tfjs).
 * Output: markdown tables on stdout; --json FILE also writes every per-step time.
 * --sweep adds knob variations (packing, block size, factorUpdateFrequency).
 * The model's backward pass runs at full matmul speed: useBackend('wasm') registers the
 * transpose-first BatchMatMul of @shampoo-ts/backends.
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@shampoo-ts/backends';
import { adamw, disposeTree, initTrainState, leavesWithPaths, step, valueAndGrad } from '@shampoo-ts/core';
import { adamGrafting } from '@shampoo-ts/grafting';
import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, resolve } from 'node:path';

// ---------------------------------------------------------------- arguments
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const value = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const batches = value('batch', '128,1024').split(',').map(Number);
const steps = Number(value('steps', '30'));
const phaseReps = Number(value('phase-reps', '15'));
const frequency = 100;
const here = dirname(fileURLToPath(import.meta.url));
const currentDist = resolve(here, '../../shampoo/dist');

// ---------------------------------------------------------------- backend
const info = await useBackend('wasm');
if (tf.getBackend() !== 'wasm') throw new Error(`profile-step: backend is ${tf.getBackend()}, expected wasm`);

// ---------------------------------------------------------------- configurations
async function loadShampoo(dist) {
  const url = (p) => pathToFileURL(resolve(dist, p)).href;
  return {
    dist,
    api: await import(url('index.js')),
    config: await import(url('config.js')),
    variants: await import(url('variants/index.js')),
    layout: await import(url('blocking/layout.js')),
    exponents: await import(url('exponents.js')),
    steps: await import(url('direction-steps.js')),
  };
}
const current = await loadShampoo(currentDist);
const baseOptions = () => ({
  lr: 1e-3, betas: [0.9, 0.999], epsilon: 1e-12, weightDecay: 1e-4, weightDecayType: 'decoupled',
  preconditionFrequency: frequency, maxPreconditionerDim: 1024, useSymmetricPacking: true,
  grafting: adamGrafting({ beta2: 0.999, epsilon: 1e-8 }),
});
const configs = [];
if (value('baseline')) configs.push({ label: 'before', impl: await loadShampoo(resolve(value('baseline'))), options: baseOptions() });
configs.push({ label: 'after', impl: current, options: baseOptions() });
if (flag('sweep')) {
  configs.push({ label: 'after, unpacked', impl: current, options: { ...baseOptions(), useSymmetricPacking: false } });
  configs.push({ label: 'after, block 256', impl: current, options: { ...baseOptions(), maxPreconditionerDim: 256 } });
  configs.push({ label: 'after, block 128', impl: current, options: { ...baseOptions(), maxPreconditionerDim: 128 } });
  if (hasOption(current, 'factorUpdateFrequency')) {
    configs.push({ label: 'after, factorUpdateFrequency 2', impl: current, options: { ...baseOptions(), factorUpdateFrequency: 2 } });
    configs.push({ label: 'after, factorUpdateFrequency 10', impl: current, options: { ...baseOptions(), factorUpdateFrequency: 10 } });
  }
}
function hasOption(impl, name) {
  try {
    impl.config.resolveShampooConfig({ [name]: 1 });
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- model
const widths = [784, 512, 512, 10];
const layerShapes = widths.slice(0, -1).map((w, i) => [w, widths[i + 1]]);
function initParams() {
  const p = {};
  layerShapes.forEach(([i, o], k) => {
    p[`dense${k + 1}`] = { kernel: tf.randomNormal([i, o], 0, Math.sqrt(2 / i), 'float32', 7 + k), bias: tf.zeros([o]) };
  });
  return p;
}
function lossOf(p, x, y) {
  return tf.tidy(() => {
    let h = x;
    layerShapes.forEach((_, k) => {
      h = tf.add(tf.matMul(h, p[`dense${k + 1}`].kernel), p[`dense${k + 1}`].bias);
      if (k + 1 < layerShapes.length) h = tf.relu(h);
    });
    return tf.losses.softmaxCrossEntropy(y, h);
  });
}
const modelFlops = (B) => 6 * B * layerShapes.reduce((s, [i, o]) => s + i * o, 0);

/**
 * 4 m n (m + n) per block (1-D blocks as m x 1 with one factor: 4 m^2), for these options:
 * 2 m n (m + n) for the factor updates (divided by factorUpdateFrequency) and as much for
 * the preconditioning.
 */
function shampooExtraFlops(impl, options) {
  const cfg = impl.config.resolveShampooConfig(options);
  let total = 0;
  for (const [i, o] of layerShapes) {
    for (const shape of [[i, o], [o]]) {
      const layout = impl.layout.blockLayout(shape, cfg.maxPreconditionerDim, cfg.targetParameterDimensionality);
      for (const b of layout.blocks) {
        // half for the factor updates (every k steps), half for the preconditioning
        const perHalf = b.size.length === 1 ? 2 * b.size[0] * b.size[0] : 2 * b.size.reduce((p, d) => p * d, 1) * b.size.reduce((s, d) => s + d, 0);
        total += perHalf + perHalf / (cfg.factorUpdateFrequency ?? 1);
      }
    }
  }
  return total;
}

// ---------------------------------------------------------------- helpers
/** Median over consecutive groups of k values of each group's mean (k = 1: the plain median). */
const cycleMedian = (xs, k) => {
  const means = [];
  for (let i = 0; i + k <= xs.length; i += k) means.push(xs.slice(i, i + k).reduce((a, b) => a + b, 0) / k);
  return median(means);
};
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const now = () => performance.now();
/** This process's CPU time in ms (user + system): robust to other processes on the machine. */
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** Runs fn, returns [wall ms, cpu ms]. */
const timed = (fn) => {
  const w0 = now();
  const c0 = cpu();
  fn();
  return [now() - w0, cpu() - c0];
};

/** Replaces the `step` of the scaleByShampoo state inside a chain state (profiling only). */
function withStep(optState, k) {
  const visit = (s) => {
    if (Array.isArray(s)) return s.map(visit);
    if (s && typeof s === 'object' && !(s instanceof tf.Tensor) && typeof s.step === 'number' && s.blocks) return { ...s, step: k };
    return s;
  };
  return visit(optState);
}
function shampooStateOf(optState) {
  return optState.find((s) => s && typeof s.step === 'number' && s.blocks);
}

/** A learner: one full step (forward, backward, update, apply) per call. */
function learner(tx, params) {
  let state = initTrainState(params, tx);
  return {
    step(x, y) {
      const old = state;
      const { loss, grads } = valueAndGrad((p) => lossOf(p, x, y), old.params);
      try {
        state = step(old, grads, tx);
      } finally {
        disposeTree(grads);
      }
      disposeTree(old);
      loss.dataSync();
      loss.dispose();
    },
    setStep(k) {
      state = { ...state, optState: withStep(state.optState, k) };
    },
    get state() {
      return state;
    },
    dispose() {
      disposeTree(state);
    },
  };
}

/**
 * Counts, while fn runs, synchronous tensor reads (tensor.dataSync goes through
 * engine.readSync) and the backend's own readSync calls (on wasm also kernels that copy a
 * whole input out of the heap: GatherV2's indices, Slice's input).
 */
function countSyncReads(fn) {
  const engine = tf.engine();
  const backend = tf.backend();
  const origEngine = engine.readSync;
  const origBackend = backend.readSync;
  const n = { engine: 0, backend: 0 };
  engine.readSync = (id) => {
    n.engine++;
    return origEngine.call(engine, id);
  };
  backend.readSync = (...args) => {
    n.backend++;
    return origBackend.apply(backend, args);
  };
  try {
    fn();
  } finally {
    engine.readSync = origEngine;
    backend.readSync = origBackend;
  }
  return n;
}

function tinyOpMs() {
  const a = tf.scalar(1);
  const times = [];
  for (let r = 0; r < 25; r++) times.push(timed(() => { for (let i = 0; i < 200; i++) tf.add(a, a).dispose(); })[1] / 200);
  a.dispose();
  return median(times);
}

// ---------------------------------------------------------------- phases of one Shampoo update
/**
 * Times the pieces of one update on the blocks of real gradients, using the configuration's
 * own internal functions, from a state just after a root step.
 */
function phases(impl, options, grads, optState, params) {
  const cfg = impl.config.resolveShampooConfig(options);
  const variant = impl.variants.makeVariant(cfg);
  const sh = shampooStateOf(optState);
  const t = sh.step + 1;
  const bc2 = cfg.useBiasCorrection && cfg.beta2 < 1 ? 1 - cfg.beta2 ** t : 1;
  // (profiling only: the bias corrections are recomputed here as scale-by-shampoo does)
  const bc1 = cfg.useBiasCorrection ? 1 - cfg.beta3 * cfg.beta1 ** (t - 1) : 1;
  const blocks = [];
  for (const [path, g] of leavesWithPaths(grads)) {
    const layout = impl.layout.blockLayout(g.shape, cfg.maxPreconditionerDim, cfg.targetParameterDimensionality);
    const parts = impl.layout.splitBlocks(g, layout);
    parts.forEach((gb, i) => {
      const shape = layout.blocks[i].size;
      const info = { key: `${path}#${i}`, shape, exponents: impl.exponents.blockExponents(shape.length, cfg.inverseExponentOverride) };
      blocks.push({ info, g: gb, st: sh.blocks[info.key] });
    });
  }
  const time = (fn) => {
    for (let r = 0; r < 2; r++) tf.tidy(fn);
    const ts = [];
    for (let r = 0; r < phaseReps; r++) ts.push(timed(() => tf.tidy(fn))[1]);
    return median(ts);
  };
  const factorT = time(() => {
    for (const b of blocks) {
      variant.updateStatistics(b.info, b.st.preconditioner, b.g);
    }
  });
  const D = blocks.map((b) => tf.keep(tf.div(b.st.filtered, bc1)));
  const preconT = time(() => {
    blocks.forEach((b, i) => variant.precondition(b.info, b.st.preconditioner, D[i], bc2));
  });
  const P = blocks.map((b, i) => tf.keep(variant.precondition(b.info, b.st.preconditioner, D[i], bc2)));
  const graftT = time(() => {
    blocks.forEach((b, i) => {
      const v = cfg.grafting.accumulate(b.st.graft, b.g);
      impl.steps.matchGraftingNorm(P[i], cfg.grafting.direction(v, D[i], t));
    });
  });
  const filterT = time(() => {
    blocks.forEach((b) => impl.steps.filteredGradient(b.st.filtered, b.g, cfg.beta1, cfg.beta3, bc1));
  });
  tf.dispose([...D, ...P]);
  const tx = impl.api.scaleByShampoo(options);
  const updateT = time(() => {
    const [u, s] = tx.update(grads, sh, params);
    disposeTree(u);
    disposeTree(s);
  });
  const once = () => {
    const [u, s] = tx.update(grads, sh, params);
    disposeTree(u);
    disposeTree(s);
  };
  const reads = countSyncReads(once);
  const kernels = kernelCount(once);
  return { updateT, factorT, preconT, graftT, filterT, kernels, reads, blocks: blocks.length };
}

/** Number of kernels run by fn (engine.runKernel calls). */
function kernelCount(fn) {
  let count = 0;
  const engine = tf.engine();
  const orig = engine.runKernel.bind(engine);
  engine.runKernel = (...args) => {
    count++;
    return orig(...args);
  };
  try {
    fn();
  } finally {
    engine.runKernel = orig;
  }
  return count;
}

// ---------------------------------------------------------------- run
const load = execSync('uptime').toString().trim();
console.log(`# profile-step on ${tf.getBackend()} (threads ${info.threads}), tfjs ${tf.version.tfjs}, node ${process.version}`);
console.log(`# uptime at start: ${load}`);
console.log(`# steps ${steps}, phase reps ${phaseReps}`);
const tiny = tinyOpMs();
console.log(`# one tiny kernel (scalar add), cpu: ${(tiny * 1000).toFixed(1)} us`);
const results = { load, tinyKernelUs: tiny * 1000, cases: [] };

for (const B of batches) {
  const x = tf.randomNormal([B, 784], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.randomUniform([B], 0, 10, 'int32', 2), 10);
  const params = initParams();
  const adam = adamw({ learningRate: 1e-3, b1: 0.9, b2: 0.999, eps: 1e-8, weightDecay: 1e-4 });
  const runners = [{ label: 'AdamW', l: learner(adam, params), times: [], cpus: [], rootTimes: [], rootCpus: [] }];
  for (const c of configs) {
    const executor = c.impl.api.hostRootExecutor();
    runners.push({ label: c.label, c, executor, l: learner(c.impl.api.shampoo({ ...c.options, rootExecutor: executor }), params), times: [], cpus: [], rootTimes: [], rootCpus: [], rootParts: [] });
  }
  // warm-up: two graft-only steps, then the first root step (step 100) for every Shampoo
  for (const r of runners) {
    r.l.step(x, y);
    r.l.step(x, y);
    if (r.c) {
      r.l.setStep(frequency - 1);
      r.l.step(x, y);
    }
  }
  // fwd+bwd alone
  const fb = [];
  // main interleaved loop
  for (let round = 0; round < steps; round++) {
    const order = runners.map((_, i) => (i + round) % runners.length);
    for (const i of order) {
      const r = runners[i];
      const [w, c] = timed(() => r.l.step(x, y));
      r.times.push(w);
      r.cpus.push(c);
    }
    const [w] = timed(() => {
      const { loss, grads } = valueAndGrad((p) => lossOf(p, x, y), runners[0].l.state.params);
      loss.dataSync();
      loss.dispose();
      disposeTree(grads);
    });
    fb.push(w);
  }
  // root steps: a few per configuration, interleaved
  const rootRounds = 3;
  const sh = runners.filter((r) => r.c);
  for (let k = 2; k < 2 + rootRounds; k++) {
    for (const r of sh) {
      r.l.setStep(k * frequency - 1);
      const [w, c] = timed(() => r.l.step(x, y));
      r.rootTimes.push(w);
      r.rootCpus.push(c);
      r.rootParts.push(r.executor.lastTimings);
    }
  }
  const adamT = median(runners[0].times);
  const adamC = median(runners[0].cpus);
  const fbT = median(fb);
  const mf = modelFlops(B);
  console.log(`\n## batch ${B}: model ${(mf / 1e9).toFixed(3)} GFLOP/step; forward+backward alone ${fbT.toFixed(1)} ms; AdamW step ${adamT.toFixed(1)} ms wall, ${adamC.toFixed(1)} ms cpu`);
  console.log('| configuration | step ms wall (cpu) | root step ms wall (cpu) | roots amortized ms (cpu) | root read / compute / upload ms | ratio wall (cpu) | flop bound | ratio / bound wall (cpu) | state MB |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  const caseOut = { batch: B, modelGflop: mf / 1e9, forwardBackwardMs: fbT, adamwMs: adamT, adamwCpuMs: adamC, adamwStateMB: stateMB(runners[0].l.state.optState), shampoo: [] };
  for (const r of sh) {
    const k = r.c.options.factorUpdateFrequency ?? 1;
    const stepT = cycleMedian(r.times, k);
    const stepC = cycleMedian(r.cpus, k);
    const rootT = median(r.rootTimes);
    const rootC = median(r.rootCpus);
    const amort = Math.max(0, rootT - stepT) / frequency;
    const amortC = Math.max(0, rootC - stepC) / frequency;
    const ratio = (stepT + amort) / adamT;
    const ratioC = (stepC + amortC) / adamC;
    const bound = (mf + shampooExtraFlops(r.c.impl, r.c.options)) / mf;
    const mb = stateMB(r.l.state.optState);
    const part = (k) => median(r.rootParts.map((p) => p[k])).toFixed(0);
    console.log(`| ${r.label} | ${stepT.toFixed(1)} (${stepC.toFixed(1)}) | ${rootT.toFixed(0)} (${rootC.toFixed(0)}) | ${amort.toFixed(1)} (${amortC.toFixed(1)}) | ${part('readMs')} / ${part('computeMs')} / ${part('uploadMs')} | ${ratio.toFixed(2)} (${ratioC.toFixed(2)}) | ${bound.toFixed(2)} | ${(ratio / bound).toFixed(2)} (${(ratioC / bound).toFixed(2)}) | ${mb.toFixed(1)} |`);
    caseOut.shampoo.push({ label: r.label, stepMs: stepT, stepCpuMs: stepC, rootStepMs: rootT, rootStepCpuMs: rootC, rootAmortizedMs: amort, rootAmortizedCpuMs: amortC, rootParts: r.rootParts, ratio, ratioCpu: ratioC, flopBound: bound, ratioOverBound: ratio / bound, ratioCpuOverBound: ratioC / bound, stateMB: mb, stepsMs: r.times, stepsCpuMs: r.cpus });
  }
  console.log(`AdamW state ${caseOut.adamwStateMB.toFixed(1)} MB`);
  // phases
  console.log(`\n| configuration (batch ${B}), cpu ms | update alone | factor updates | preconditioning | grafting | filtered gradient | rest | kernels/update | op overhead est. ms | dataSync reads (non-root) | backend readSync calls |`);
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  const { grads } = valueAndGrad((p) => lossOf(p, x, y), runners[0].l.state.params);
  for (const r of sh) {
    const st = r.l.state;
    const ph = phases(r.c.impl, r.c.options, grads, st.optState, st.params);
    const rest = ph.updateT - ph.factorT - ph.preconT - ph.graftT - ph.filterT;
    console.log(`| ${r.label} | ${ph.updateT.toFixed(1)} | ${ph.factorT.toFixed(1)} | ${ph.preconT.toFixed(1)} | ${ph.graftT.toFixed(1)} | ${ph.filterT.toFixed(1)} | ${rest.toFixed(1)} | ${ph.kernels} | ${(ph.kernels * tiny).toFixed(1)} | ${ph.reads.engine} | ${ph.reads.backend} |`);
    caseOut.shampoo.find((s) => s.label === r.label).phases = { ...ph, restMs: rest, opOverheadMs: ph.kernels * tiny };
  }
  disposeTree(grads);
  results.cases.push(caseOut);
  for (const r of runners) r.l.dispose();
  disposeTree(params);
  tf.dispose([x, y]);
}
results.loadAtEnd = execSync('uptime').toString().trim();
console.log(`\n# uptime at end: ${results.loadAtEnd}`);
if (value('json')) writeFileSync(value('json'), JSON.stringify(results, null, 1));

function stateMB(optState) {
  const seen = new Set();
  let bytes = 0;
  const visit = (s) => {
    if (s instanceof tf.Tensor) {
      if (!seen.has(s.dataId)) {
        seen.add(s.dataId);
        bytes += s.size * 4;
      }
    } else if (Array.isArray(s)) s.forEach(visit);
    else if (s && typeof s === 'object') Object.values(s).forEach(visit);
  };
  visit(optState);
  return bytes / 1e6;
}
