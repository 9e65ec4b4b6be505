/**
 * One conformance suite on every backend: each optimizer of CONFORMANCE_OPTIMIZERS runs
 * STEPS steps on each seeded problem (conformance/harness.ts) on every target below, and
 * must match the cpu backend's result within the optimizer's float32 tolerance. A target
 * that cannot start prints why and its tests are skipped (never passed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend, type BackendInfo } from '@shampoo-ts/backends';
import { CONFORMANCE_OPTIMIZERS, SEEDS, STEPS } from './conformance/optimizers.js';
import { maxAbsDifference, runConformanceCase, toleranceRatio } from './conformance/harness.js';
import { autoChoiceInPage, openConformancePage, runInPage, startInPage, type ChromiumSession } from './conformance/chromium.js';
import { autoRootExecutor } from '@shampoo-ts/shampoo';

type Result = { initial: number[][]; final: number[][] };

interface Target {
  name: string;
  /** Starts the target: its description, or the reason it cannot start. */
  start: () => Promise<{ info: BackendInfo } | { reason: string }>;
  run: (optimizer: string, seed: number) => Promise<Result>;
  /** The seeds run here (default SEEDS). */
  seeds?: readonly number[];
  /** The executor kind Shampoo's rootExecutor 'auto' picks at init on this target. */
  autoChoice: () => Promise<string | null>;
  stop: () => Promise<void>;
}

const byName = (name: string) => CONFORMANCE_OPTIMIZERS.find((o) => o.name === name) as (typeof CONFORMANCE_OPTIMIZERS)[number];

async function inNode(backend: 'wasm' | 'webgpu'): Promise<{ info: BackendInfo } | { reason: string }> {
  try {
    return { info: await useBackend(backend) };
  } catch (e) {
    return { reason: (e as Error).message };
  }
}

function nodeTarget(name: string, backend: 'wasm' | 'webgpu'): Target {
  return {
    name,
    start: () => inNode(backend),
    run: async (optimizer, seed) => {
      await tf.setBackend(backend);
      return runConformanceCase(byName(optimizer), seed, STEPS);
    },
    autoChoice: async () => {
      await tf.setBackend(backend);
      const auto = autoRootExecutor();
      auto.prepare?.();
      return auto.chosen;
    },
    stop: () => tf.setBackend('cpu').then(() => undefined),
  };
}

let chromium: Promise<ChromiumSession> | undefined;
const openChromium = () => (chromium ??= openConformancePage());

function chromiumTarget(name: string, backend: 'webgpu' | 'wasm', seeds?: readonly number[]): Target {
  return {
    name,
    seeds,
    start: async () => {
      const session = await openChromium();
      if (!session.ok) return { reason: session.reason };
      const started = await startInPage(session.page, backend);
      return started.ok ? { info: started.info } : { reason: started.reason };
    },
    run: async (optimizer, seed) => {
      const session = (await openChromium()) as Extract<ChromiumSession, { ok: true }>;
      await startInPage(session.page, backend);
      return runInPage(session.page, optimizer, seed, STEPS);
    },
    autoChoice: async () => {
      const session = (await openChromium()) as Extract<ChromiumSession, { ok: true }>;
      await startInPage(session.page, backend);
      return autoChoiceInPage(session.page);
    },
    stop: async () => undefined,
  };
}

const TARGETS: Target[] = [
  nodeTarget('wasm in Node', 'wasm'),
  nodeTarget('webgpu in Node (webgpu package, Vulkan)', 'webgpu'),
  // One seed: SwiftShader is slow here; a device Newton root step of these problems is about
  // 2000 dispatches (40 iterations x ~10 ops x 5 factors), and a Shampoo case took 14-36 s there.
  chromiumTarget('webgpu in headless Chromium', 'webgpu', [SEEDS[0]]),
  chromiumTarget('wasm in headless Chromium (Vite bundle)', 'wasm'),
];

const reference = new Map<string, Result>();
const key = (optimizer: string, seed: number) => `${optimizer}#${seed}`;

beforeAll(async () => {
  await tf.setBackend('cpu');
  for (const opt of CONFORMANCE_OPTIMIZERS) {
    for (const seed of SEEDS) reference.set(key(opt.name, seed), await runConformanceCase(opt, seed, STEPS));
  }
});

afterAll(async () => {
  const session = await chromium;
  if (session?.ok) await session.close();
  await tf.setBackend('cpu');
});

describe('the cpu reference', () => {
  it('moves every parameter and is deterministic', async () => {
    for (const opt of CONFORMANCE_OPTIMIZERS) {
      for (const seed of SEEDS) {
        const ref = reference.get(key(opt.name, seed)) as Result;
        ref.final.forEach((leaf, i) => expect(leaf).not.toEqual(ref.initial[i]));
        const again = await runConformanceCase(opt, seed, STEPS);
        expect(again.final).toEqual(ref.final);
      }
    }
  });

  it('every optimizer line gives its own result (> 100 tolerances from every other line)', () => {
    for (const seed of SEEDS) {
      CONFORMANCE_OPTIMIZERS.forEach((a, i) => CONFORMANCE_OPTIMIZERS.slice(i + 1).forEach((b) => {
        const ra = reference.get(key(a.name, seed)) as Result;
        const rb = reference.get(key(b.name, seed)) as Result;
        expect(toleranceRatio(ra.final, rb.final, b.atol, b.rtol), `${a.name} vs ${b.name}`).toBeGreaterThan(100);
      }));
    }
  });

  it('depends on the roots: without preconditioning a Shampoo variant lands > 100 tolerances away', async () => {
    const withRoots = CONFORMANCE_OPTIMIZERS.filter((o) => o.control !== undefined);
    expect(withRoots.length).toBeGreaterThanOrEqual(4);
    for (const opt of withRoots) {
      for (const seed of SEEDS) {
        const ref = reference.get(key(opt.name, seed)) as Result;
        const control = await runConformanceCase({ ...opt, make: opt.control as NonNullable<typeof opt.control> }, seed, STEPS);
        expect(toleranceRatio(control.final, ref.final, opt.atol, opt.rtol)).toBeGreaterThan(100);
      }
    }
  });
});

describe("'auto' in headless Chromium", () => {
  it('passes over a software WebGPU adapter (SwiftShader) for wasm, saying why', async (ctx) => {
    const session = await openChromium();
    if (!session.ok) {
      console.warn(`[conformance] Chromium: SKIPPED: ${session.reason}`);
      return ctx.skip(session.reason);
    }
    const info = await startInPage(session.page, 'auto');
    expect(info.ok).toBe(true);
    if (!info.ok) return;
    if (info.info.name === 'webgpu') return ctx.skip(`this Chromium has a hardware adapter: ${JSON.stringify(info.info.adapterInfo)}`);
    expect(info.info.name).toBe('wasm');
    expect(info.info.skipped.join(' ')).toMatch(/webgpu: .*software/);
  });
});

for (const target of TARGETS) {
  describe(target.name, () => {
    let reason: string | null = null;
    let info: BackendInfo | null = null;
    beforeAll(async () => {
      const started = await target.start();
      if ('reason' in started) {
        reason = started.reason;
        console.warn(`[conformance] ${target.name}: SKIPPED: ${reason}`);
      } else {
        info = started.info;
        console.info(`[conformance] ${target.name}: ${JSON.stringify(started.info)}`);
      }
    });
    // The measured differences, printed after the target's cases (docs/backends.md quotes them).
    const measured: string[] = [];
    afterAll(async () => {
      if (measured.length > 0) console.info(`[conformance] ${target.name}, measured:\n  ${measured.join('\n  ')}`);
      await target.stop();
    });

    it("Shampoo's rootExecutor 'auto' picks what useBackend reports (device float32 on webgpu)", async (ctx) => {
      if (reason !== null || info === null) return ctx.skip(`${target.name} cannot start: ${reason}`);
      expect(await target.autoChoice()).toBe(info.rootExecutor);
      expect(info.rootExecutor).toBe(info.name === 'webgpu' ? 'device-float32' : 'host-float64');
    });

    for (const opt of CONFORMANCE_OPTIMIZERS) {
      for (const seed of target.seeds ?? SEEDS) {
        it(`${opt.name}, seed ${seed}: ${STEPS} steps match cpu within atol ${opt.atol}, rtol ${opt.rtol}`, async (ctx) => {
          if (reason !== null) ctx.skip(`${target.name} cannot start: ${reason}`);
          const ref = reference.get(key(opt.name, seed)) as Result;
          const got = await target.run(opt.name, seed);
          expect(got.initial).toEqual(ref.initial);
          const ratio = toleranceRatio(got.final, ref.final, opt.atol, opt.rtol);
          measured.push(`${opt.name}, seed ${seed}: max |x - x_cpu| ${maxAbsDifference(got.final, ref.final).toExponential(2)}, tolerance used ${(100 * ratio).toFixed(1)}%`);
          expect(ratio).toBeLessThanOrEqual(1);
        });
      }
    }
  });
}
