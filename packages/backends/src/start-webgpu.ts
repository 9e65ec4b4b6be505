/**
 * The webgpu backend: float32 on a GPU through WebGPU. In a browser it uses
 * navigator.gpu; in Node it uses the optional `webgpu` package (Dawn), installing its
 * `create([])` as navigator.gpu and its GPU* globals before @tensorflow/tfjs-backend-webgpu
 * is imported (the backend registers itself only if navigator.gpu exists then).
 *
 * @tensorflow/tfjs-backend-webgpu is an optional peer dependency: it is imported here only
 * by a specifier bundlers do not follow (see loadWebGPUBackendModule), so a browser app that
 * wants webgpu imports it itself, next to @shampoo-ts/backends.
 *
 * Reads are asynchronous: `dataSync` fails in Node (tfjs reads back through an
 * OffscreenCanvas) and stalls the queue in browsers, hence cheapSyncReadback = false
 * and the device-float32 root executor.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type AdapterInfo, type BackendInfo, rootExecutorReported } from './backend-info.js';
import { activate, precisionOf } from './activate.js';
import { importOptional, isNode } from './runtime.js';
import { WEBGPU_NODE_REMEDY, diagnoseVulkan } from './webgpu-node-diagnosis.js';

interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<{ info?: Partial<AdapterInfo>; isFallbackAdapter?: boolean } | null>;
}
interface WebgpuPackage {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}

/** Options for the webgpu backend. */
export interface WebGPUOptions {
  /** Flags for the `webgpu` package's create() in Node (Dawn toggles such as 'backend=vulkan'). */
  dawnFlags?: string[];
  /**
   * Accept a software adapter (SwiftShader, lavapipe/llvmpipe, a fallback adapter).
   * Default true; 'auto' passes false, since the wasm backend is much faster than a
   * software GPU (measured here: 31-37 GFLOP/s against 0.3-4).
   */
  allowSoftware?: boolean;
}

/** True for adapters that run on the CPU: fallback adapters, SwiftShader, llvmpipe/lavapipe. */
export function isSoftwareAdapter(info: Partial<AdapterInfo> & { isFallbackAdapter?: boolean }, isFallback = false): boolean {
  const text = `${info.vendor ?? ''} ${info.architecture ?? ''} ${info.device ?? ''} ${info.description ?? ''}`;
  return isFallback || info.isFallbackAdapter === true || /swiftshader|llvmpipe|lavapipe|software/i.test(text);
}

let nodeGpu: GpuLike | undefined;

function navigatorGpu(): GpuLike | undefined {
  return (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
}

/** In Node: creates the Dawn instance once and installs it as navigator.gpu with the GPU* globals. */
async function installNodeGpu(flags: string[]): Promise<GpuLike> {
  if (nodeGpu !== undefined) return nodeGpu;
  const loaded = await importOptional<WebgpuPackage>('webgpu');
  if (!loaded.ok) {
    throw new Error(`useBackend('webgpu'): in Node WebGPU comes from the optional package 'webgpu' (Dawn): ${loaded.reason}; install it with \`npm install webgpu\``);
  }
  const { create, globals } = loaded.module;
  for (const [key, value] of Object.entries(globals)) {
    if (!(key in globalThis)) Object.defineProperty(globalThis, key, { value, configurable: true, writable: true });
  }
  const gpu = create(flags);
  const g = globalThis as unknown as { navigator?: Record<string, unknown> };
  if (g.navigator == null) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  else if (g.navigator.gpu == null) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
  nodeGpu = gpu;
  return gpu;
}

function describeAdapter(info: Partial<AdapterInfo> | undefined): AdapterInfo {
  return { vendor: info?.vendor ?? '', architecture: info?.architecture ?? '', device: info?.device ?? '', description: info?.description ?? '' };
}

/** The part of @tensorflow/tfjs-backend-webgpu used here. */
interface WebGPUBackendModule {
  WebGPUBackend: new (device: GPUDevice, adapterInfo?: unknown) => tf.KernelBackend;
}

/**
 * Imports the optional peer @tensorflow/tfjs-backend-webgpu by a specifier bundlers do not
 * follow, so an app bundles @shampoo-ts/backends without it installed. Node resolves it
 * when installed; a bundled browser app imports it itself (`import
 * '@tensorflow/tfjs-backend-webgpu'`, which registers the backend), so this is not reached.
 */
async function loadWebGPUBackendModule(): Promise<WebGPUBackendModule> {
  const loaded = await importOptional<WebGPUBackendModule>('@tensorflow/tfjs-backend-webgpu');
  if (loaded.ok) return loaded.module;
  const where = isNode()
    ? 'install it with `npm install @tensorflow/tfjs-backend-webgpu` (an optional peer dependency)'
    : "install it (`npm install @tensorflow/tfjs-backend-webgpu`, an optional peer dependency) and add `import '@tensorflow/tfjs-backend-webgpu'` to the app's entry so the bundler includes it";
  throw new Error(`useBackend('webgpu'): the tfjs webgpu backend is not loaded (${loaded.reason}); ${where}`);
}

/** Finds an adapter (with a diagnosis when there is none), then registers and activates tfjs's webgpu backend. */
export async function startWebGPU(options: WebGPUOptions = {}): Promise<BackendInfo> {
  let gpu: GpuLike | undefined;
  if (isNode()) {
    gpu = await installNodeGpu(options.dawnFlags ?? []);
  } else {
    gpu = navigatorGpu();
    if (gpu === undefined) {
      throw new Error("useBackend('webgpu'): this browser has no WebGPU (navigator.gpu is undefined); use Chrome/Edge 113+ or Safari 18+ over https or localhost, or start Chromium with --enable-unsafe-webgpu (on Linux also --enable-features=Vulkan)");
    }
  }
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter == null) {
    throw new Error(isNode()
      ? `useBackend('webgpu'): the webgpu package found no GPU adapter: ${diagnoseVulkan()}. To get one, ${WEBGPU_NODE_REMEDY}`
      : "useBackend('webgpu'): navigator.gpu.requestAdapter() returned null (GPU blocklisted or no driver); in Chromium try --enable-unsafe-webgpu --enable-features=Vulkan, or chrome://gpu for the reason");
  }
  if (options.allowSoftware === false && isSoftwareAdapter(adapter.info ?? {}, adapter.isFallbackAdapter === true)) {
    throw new Error(`useBackend('webgpu'): the only adapter is a software one (${describeAdapter(adapter.info).architecture || describeAdapter(adapter.info).description}); pass allowSoftware: true to use it anyway`);
  }
  if (tf.findBackendFactory('webgpu') == null) {
    // Not registered yet: the module is not loaded, or it was first imported before
    // navigator.gpu existed (it registers itself only then). Load it and register it now.
    const backendModule = await loadWebGPUBackendModule();
    tf.registerBackend('webgpu', async () => {
      const a = await (gpu as unknown as GPU).requestAdapter({ powerPreference: 'high-performance' });
      if (a == null) throw new Error('webgpu adapter disappeared');
      const device = await a.requestDevice({
        requiredLimits: {
          maxComputeWorkgroupStorageSize: a.limits.maxComputeWorkgroupStorageSize,
          maxComputeWorkgroupsPerDimension: a.limits.maxComputeWorkgroupsPerDimension,
          maxStorageBufferBindingSize: a.limits.maxStorageBufferBindingSize,
          maxBufferSize: a.limits.maxBufferSize,
          maxComputeWorkgroupSizeX: a.limits.maxComputeWorkgroupSizeX,
          maxComputeInvocationsPerWorkgroup: a.limits.maxComputeInvocationsPerWorkgroup,
        },
      });
      return new backendModule.WebGPUBackend(device, a.info);
    }, 3);
  }
  await activate('webgpu', `the adapter (${describeAdapter(adapter.info).description || 'unnamed'}) was found but no device could be created`);
  return {
    name: 'webgpu',
    precision: precisionOf(),
    cheapSyncReadback: false,
    threads: 1,
    adapterInfo: describeAdapter(adapter.info),
    rootExecutor: rootExecutorReported(false),
    skipped: [],
  };
}
