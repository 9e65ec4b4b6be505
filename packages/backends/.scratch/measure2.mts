import '@tensorflow/tfjs';
import { useBackend } from '/work/main/packages/backends/src/index.ts';
import { shampoo, soap, klShampoo, muon, autoRootExecutor } from '/work/main/packages/shampoo/src/index.ts';
import { adamGrafting } from '/work/main/packages/grafting/src/index.ts';
import { runConformanceCase } from '/work/main/packages/backends/test/conformance/harness.ts';

const steps = Number(process.env.STEPS ?? 5);
const eps = Number(process.env.EPS ?? 1e-6);
const K = Number(process.env.K ?? 8);
const F = Number(process.env.F ?? 1);
const common = { lr: 0.01, betas: [0.9, 0.999] as [number, number], epsilon: eps, targetParameterDimensionality: 2, preconditionFrequency: F, startPreconditioningStep: 2, grafting: adamGrafting({ epsilon: 1e-8 }) };
const cases: Record<string, () => any> = {
  shampoo: () => shampoo(common),
  eigendecomposed: () => shampoo({ ...common, preconditioner: { type: 'eigendecomposed' }, }),
  soap: () => soap({ lr: 0.01, targetParameterDimensionality: 2, preconditionFrequency: 1, startPreconditioningStep: 2 }),
  klShampoo: () => klShampoo(common),
  muon: () => muon({ lr: 0.02 }),
  sign: () => shampoo({ lr: 0.01, betas: [0.9, 0.999], preconditioner: { type: 'sign-descent' } }),
};
const only = process.env.ONLY?.split(',');
const backends = (process.env.BACKENDS ?? 'wasm,webgpu').split(',');
const ref = new Map<string, number[][]>();
const init = new Map<string, number[][]>();
await useBackend('cpu');
for (const [name, make] of Object.entries(cases)) {
  if (only && !only.includes(name)) continue;
  for (const seed of [1, 2]) {
    const r = await runConformanceCase({ name, make, atol: 0, rtol: 0 }, seed, steps);
    ref.set(`${name}#${seed}`, r.final); init.set(`${name}#${seed}`, r.initial);
  }
}
for (const b of backends) {
  await useBackend(b as any);
  for (const [name, make] of Object.entries(cases)) {
    if (only && !only.includes(name)) continue;
    for (const seed of [1, 2]) {
      const t0 = performance.now();
      const r = await runConformanceCase({ name, make, atol: 0, rtol: 0 }, seed, steps);
      const ms = performance.now() - t0;
      const want = ref.get(`${name}#${seed}`)!; const i0 = init.get(`${name}#${seed}`)!;
      let maxAbs = 0, maxRel = 0, maxMove = 0;
      const ratio = (atol: number, rtol: number) => { let w = 0; r.final.forEach((leaf, i) => leaf.forEach((v, j) => { w = Math.max(w, Math.abs(v - want[i][j]) / (atol + rtol * Math.abs(want[i][j]))); })); return w; };
      r.final.forEach((leaf, i) => leaf.forEach((v, j) => {
        const d = Math.abs(v - want[i][j]); maxAbs = Math.max(maxAbs, d);
        maxRel = Math.max(maxRel, d / Math.max(Math.abs(want[i][j]), 1e-3));
        maxMove = Math.max(maxMove, Math.abs(want[i][j] - i0[i][j]));
      }));
      console.log(`${b.padEnd(7)} ${name.padEnd(16)} seed ${seed}: max|x-x_cpu| ${maxAbs.toExponential(2)}  max|x_cpu-x0| ${maxMove.toExponential(2)}  ratio(1e-5,1e-4) ${ratio(1e-5, 1e-4).toFixed(2)}  ${ms.toFixed(0)} ms`);
    }
  }
}
