import '@tensorflow/tfjs';
import { useBackend } from '/work/main/packages/backends/src/index.ts';
import { shampoo, soap, klShampoo } from '/work/main/packages/shampoo/src/index.ts';
import { adamGrafting } from '/work/main/packages/grafting/src/index.ts';
import { runConformanceCase } from '/work/main/packages/backends/test/conformance/harness.ts';
const configs: Array<[string, number, () => any]> = [];
for (const tpd of [1, 2]) for (const freq of [1, 2]) for (const start of [2, 3, 4]) for (const steps of [5, 8]) {
  if (start < freq) continue;
  configs.push([`soap tpd${tpd} f${freq} s${start} n${steps}`, steps, () => soap({ lr: 0.01, targetParameterDimensionality: tpd, preconditionFrequency: freq, startPreconditioningStep: start })]);
}
const out: Record<string, number[][][]> = {};
for (const b of ['cpu', 'wasm']) {
  await useBackend(b as any);
  for (const [name, steps, make] of configs) for (const seed of [1, 2]) {
    const r = await runConformanceCase({ name, make, atol: 0, rtol: 0 }, seed, steps);
    (out[`${name}#${seed}`] ??= []).push(r.final);
  }
}
for (const [k, [a, b]] of Object.entries(out)) {
  let m = 0; a.forEach((l, i) => l.forEach((v, j) => (m = Math.max(m, Math.abs(v - b[i][j])))));
  console.log(k.padEnd(28), m.toExponential(2));
}
