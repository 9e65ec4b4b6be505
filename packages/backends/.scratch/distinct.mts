import '@tensorflow/tfjs';
import { useBackend } from '/work/main/packages/backends/src/index.ts';
import { shampoo, soap, klShampoo } from '/work/main/packages/shampoo/src/index.ts';
import { adamGrafting } from '/work/main/packages/grafting/src/index.ts';
import { runConformanceCase } from '/work/main/packages/backends/test/conformance/harness.ts';
const eps = Number(process.env.EPS ?? 1e-6);
const common = { lr: 0.01, betas: [0.9, 0.999] as [number, number], epsilon: eps, preconditionFrequency: 2, startPreconditioningStep: 2, grafting: adamGrafting({ epsilon: 1e-8 }) };
const cases: Record<string, () => any> = {
  graftOnly: () => shampoo({ ...common, startPreconditioningStep: Infinity }),
  shampoo: () => shampoo(common),
  eigendecomposed: () => shampoo({ ...common, preconditioner: { type: 'eigendecomposed' } }),
  klShampoo: () => klShampoo(common),
  soapNoPrec: () => soap({ lr: 0.01, preconditionFrequency: 2, startPreconditioningStep: Infinity }),
  soap: () => soap({ lr: 0.01, preconditionFrequency: 2, startPreconditioningStep: 2 }),
};
await useBackend('cpu');
const res: Record<string, number[]> = {};
for (const [name, make] of Object.entries(cases)) res[name] = (await runConformanceCase({ name, make, atol: 0, rtol: 0 }, 1, Number(process.env.STEPS ?? 5))).final.flat();
const names = Object.keys(res);
for (const a of names) console.log(a.padEnd(16), names.map((b) => Math.max(...res[a].map((v, i) => Math.abs(v - res[b][i]))).toExponential(1)).join(' '));
