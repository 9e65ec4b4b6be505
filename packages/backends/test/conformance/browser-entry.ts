/**
 * The conformance harness as a page script: bundled for Chromium by chromium.ts.
 * Exposes window.conformance.{start, run}; the Node test drives it through playwright.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
// webgpu is an optional peer that @shampoo-ts/backends does not bundle: the app imports it.
import '@tensorflow/tfjs-backend-webgpu';
import { useBackend, type BackendRequest } from '@shampoo-ts/backends';
import { CONFORMANCE_OPTIMIZERS } from './optimizers.js';
import { runConformanceCase } from './harness.js';
import { autoRootExecutor } from '@shampoo-ts/shampoo';

const api = {
  /** Starts a backend; resolves to its description or to the reason it cannot start. */
  async start(backend: BackendRequest) {
    try {
      return { ok: true as const, info: await useBackend(backend) };
    } catch (e) {
      return { ok: false as const, reason: (e as Error).message };
    }
  },
  /** The executor kind Shampoo's rootExecutor 'auto' picks on the active backend. */
  autoChoice() {
    const auto = autoRootExecutor();
    auto.prepare?.();
    return auto.chosen;
  },
  /** Runs one conformance case on the active backend. */
  async run(optimizer: string, seed: number, steps: number) {
    const opt = CONFORMANCE_OPTIMIZERS.find((o) => o.name === optimizer);
    if (opt === undefined) throw new Error(`unknown conformance optimizer '${optimizer}'`);
    return runConformanceCase(opt, seed, steps);
  },
};

(globalThis as unknown as { conformance: typeof api }).conformance = api;
