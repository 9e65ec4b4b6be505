import { afterAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import {
  autoOrder, bundledWasmFileMap, diagnoseVulkan, isSoftwareAdapter, nodeGpuUnavailableReason, nodeWasmDirectory, useBackend,
  WASM_BINARY_NAMES,
} from '@shampoo-ts/backends';
import { autoRootExecutor, rootExecutorKindFor } from '@shampoo-ts/shampoo';

afterAll(async () => {
  await tf.setBackend('cpu');
});

async function matmulOnActiveBackend(): Promise<number[]> {
  const a = tf.tensor2d([[1, 2], [3, 4]]);
  const p = tf.matMul(a, a);
  const out = Array.from(await p.data());
  tf.dispose([a, p]);
  return out;
}

describe('useBackend', () => {
  it("'wasm' activates the wasm backend and describes it: float32, cheap sync reads, host float64 roots", async () => {
    const info = await useBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info).toEqual({ name: 'wasm', precision: 'float32', cheapSyncReadback: true, threads: 1, adapterInfo: null, rootExecutor: 'host-float64', skipped: [] });
    expect(await matmulOnActiveBackend()).toEqual([7, 10, 15, 22]);
  });

  it("'cpu' activates the cpu backend", async () => {
    const info = await useBackend('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(info.rootExecutor).toBe('host-float64');
    expect(await matmulOnActiveBackend()).toEqual([7, 10, 15, 22]);
  });

  it("'auto' in Node is wasm, the embedded default", async () => {
    expect(autoOrder()).toEqual(['wasm', 'cpu']);
    const info = await useBackend('auto');
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    await tf.setBackend('cpu');
  });

  it('rejects an unknown name, naming it and the allowed ones, without switching backend', async () => {
    await tf.setBackend('cpu');
    await expect(useBackend('webgl' as never)).rejects.toThrow(/name is "webgl"; allowed: 'cpu', 'wasm', 'webgpu', 'node-gpu', 'auto'/);
    expect(tf.getBackend()).toBe('cpu');
  });

  it("'node-gpu' runs tfjs-node-gpu or tfjs-node when installed", async (ctx) => {
    const reason = await nodeGpuUnavailableReason();
    if (reason !== null) {
      console.warn(`[node-gpu] SKIPPED: ${reason}`);
      ctx.skip(reason);
    }
    const info = await useBackend('node-gpu');
    expect(info.name).toBe('tensorflow');
    expect(await matmulOnActiveBackend()).toEqual([7, 10, 15, 22]);
    await tf.setBackend('cpu');
  });

  it("'node-gpu' without either package rejects saying which packages and why they are absent", async (ctx) => {
    const reason = await nodeGpuUnavailableReason();
    if (reason === null) ctx.skip('a tfjs-node package is installed here');
    await expect(useBackend('node-gpu')).rejects.toThrow(/@tensorflow\/tfjs-node-gpu is not installed; @tensorflow\/tfjs-node is not installed .*libtensorflow/);
    expect(tf.getBackend()).not.toBe('tensorflow');
  });
});

describe('isSoftwareAdapter', () => {
  it('recognises the CPU adapters seen here and not a hardware one', () => {
    expect(isSoftwareAdapter({ vendor: 'mesa', architecture: 'software', device: 'llvmpipe-llvm-15-0-6-256-bits-', description: 'llvmpipe: Mesa 25.0.7' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'google', architecture: 'swiftshader', device: '', description: '' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'ampere', device: '', description: '' }, true)).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'ampere', device: '2204', description: 'NVIDIA GeForce RTX 3090' })).toBe(false);
  });
});

describe('root executor: one rule, in @shampoo-ts/shampoo', () => {
  it("useBackend reports what Shampoo's rootExecutor 'auto' picks on the backend it started", async () => {
    for (const name of ['cpu', 'wasm'] as const) {
      const info = await useBackend(name);
      const auto = autoRootExecutor();
      auto.prepare?.();
      expect(info.rootExecutor).toBe(rootExecutorKindFor(info.name));
      expect(auto.chosen).toBe(info.rootExecutor);
      // The host float64 path exactly where a synchronous readback is cheap.
      expect(info.rootExecutor === 'host-float64').toBe(info.cheapSyncReadback);
    }
    await tf.setBackend('cpu');
  });
});

describe('wasm binaries', () => {
  it('in Node, are found in the installed tfjs-backend-wasm', () => {
    const dir = nodeWasmDirectory() as string;
    expect(dir.endsWith(join('@tensorflow', 'tfjs-backend-wasm', 'dist') + '/')).toBe(true);
    for (const name of WASM_BINARY_NAMES) expect(existsSync(dir + name)).toBe(true);
  });

  it('for bundlers, are referenced next to the package as ../wasm/<name>', () => {
    const map = bundledWasmFileMap();
    expect(Object.keys(map).sort()).toEqual([...WASM_BINARY_NAMES].sort());
    const packageRoot = fileURLToPath(new URL('..', import.meta.url));
    for (const name of WASM_BINARY_NAMES) expect(fileURLToPath(map[name])).toBe(join(packageRoot, 'wasm', name));
  });
});

describe('diagnoseVulkan', () => {
  it('names the Vulkan loader and an ICD override that points nowhere', () => {
    const saved = process.env.VK_ICD_FILENAMES;
    process.env.VK_ICD_FILENAMES = '/nonexistent/icd.json';
    try {
      const text = diagnoseVulkan();
      expect(text).toMatch(/Vulkan loader|no Vulkan loader/);
      expect(text).toContain('VK_ICD_FILENAMES=/nonexistent/icd.json (file missing)');
    } finally {
      if (saved === undefined) delete process.env.VK_ICD_FILENAMES;
      else process.env.VK_ICD_FILENAMES = saved;
    }
  });
});
