/**
 * Speed of one training step of a small MNIST-sized conv net, wasm vs cpu, of the
 * Conv2DBackpropFilter kernel alone, and of our Conv2DBackpropInput against the one
 * tfjs-backend-wasm ships (alternating, in the same process). Not part of the test suite (the cpu backend takes
 * about a minute in all). Run from the repo root:
 *   npx tsx packages/backends/scripts/conv-train-step-speed.mts [repeats]
 * Prints medians in milliseconds.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { useBackend, WASM_FASTER_KERNELS } from '../src/index.js';

// tfjs-backend-wasm's own Conv2DBackpropInput, captured before useBackend replaces it.
const shipped = { ...tf.getKernel('Conv2DBackpropInput', 'wasm') } as tf.KernelConfig;

const repeats = Number(process.argv[2] ?? 5);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => void, n: number, warmup = true): number {
  if (warmup) fn();
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

async function measure(backend: 'wasm' | 'cpu', n: number, kernelRepeats: number) {
  await useBackend(backend);
  const model = tf.sequential({ layers: [
    tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: 'relu', padding: 'same' }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', padding: 'same' }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 10, activation: 'softmax' }),
  ] });
  const opt = tf.train.sgd(0.01);
  const x = tf.randomNormal([32, 28, 28, 1]);
  const y = tf.oneHot(tf.randomUniform([32], 0, 10, 'int32'), 10);
  const trainStep = time(() => {
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.predict(x) as tf.Tensor), true) as tf.Scalar;
    loss.dataSync();
    loss.dispose();
  }, n);
  const xx = tf.randomNormal([32, 28, 28, 16]);
  const dy = tf.randomNormal([32, 28, 28, 32]);
  const filterGrad = time(() => {
    const r = tf.engine().runKernel('Conv2DBackpropFilter', { x: xx, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 16, 32] }) as tf.Tensor;
    r.dataSync();
    r.dispose();
  }, kernelRepeats, kernelRepeats > 1);
  tf.dispose([x, y, xx, dy]);
  model.dispose();
  return { trainStep, filterGrad };
}

// The cpu backend's Conv2DBackpropFilter takes tens of seconds: one cold run.
const wasm = await measure('wasm', repeats, repeats);
const cpu = await measure('cpu', Math.min(repeats, 3), 1);
const flops = 2 * 32 * 28 * 28 * 3 * 3 * 16 * 32;

/** Median times of ours and the shipped Conv2DBackpropInput, alternating, for dx [32, 28, 28, 16]. */
async function backpropInputAB(n: number): Promise<{ ours: number; shipped: number }> {
  await useBackend('wasm');
  shipped.setupFunc?.(tf.backend());
  const use = (c: tf.KernelConfig) => {
    tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
    tf.registerKernel(c);
  };
  const dy = tf.randomNormal([32, 28, 28, 32]);
  const filter = tf.randomNormal([3, 3, 16, 32]);
  const run = () => {
    const r = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [32, 28, 28, 16] }) as tf.Tensor;
    r.dataSync();
    r.dispose();
  };
  const times: Record<'ours' | 'shipped', number[]> = { ours: [], shipped: [] };
  for (let i = 0; i <= n; i++) {
    for (const [name, config] of [['ours', WASM_FASTER_KERNELS[0]], ['shipped', shipped]] as const) {
      use(config);
      const t0 = performance.now();
      run();
      if (i > 0) times[name].push(performance.now() - t0);
    }
  }
  use(WASM_FASTER_KERNELS[0]);
  tf.dispose([dy, filter]);
  return { ours: median(times.ours), shipped: median(times.shipped) };
}
const ab = await backpropInputAB(repeats);
console.log(`conv net train step (batch 32, 28x28x1, conv16-pool-conv32-pool-dense10): wasm ${wasm.trainStep.toFixed(1)} ms, cpu ${cpu.trainStep.toFixed(1)} ms, speed-up ${(cpu.trainStep / wasm.trainStep).toFixed(1)}x`);
console.log(`Conv2DBackpropFilter 32x28x28x16 -> 3x3x16x32 (${(flops / 1e6).toFixed(0)} MFLOP): wasm ${wasm.filterGrad.toFixed(1)} ms (${(flops / wasm.filterGrad / 1e6).toFixed(1)} GFLOP/s), cpu ${cpu.filterGrad.toFixed(1)} ms (${(flops / cpu.filterGrad / 1e6).toFixed(2)} GFLOP/s)`);
console.log(`Conv2DBackpropInput 32x28x28x32 dy, 3x3x16x32 filter (${(flops / 1e6).toFixed(0)} MFLOP) on wasm: ours ${ab.ours.toFixed(1)} ms, tfjs-backend-wasm's ${ab.shipped.toFixed(1)} ms (${(ab.shipped / ab.ours).toFixed(1)}x)`);
