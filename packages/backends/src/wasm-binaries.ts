/**
 * Where the wasm backend's three .wasm binaries are, with no user configuration.
 *
 * - Node: the installed @tensorflow/tfjs-backend-wasm's own dist/ folder, found with
 *   Node's resolver from this module (so it is the copy matching the JS that loads it).
 * - Browser, under a bundler: this package ships copies in ../wasm/ (made at build time
 *   by scripts/copy-wasm-binaries.mjs), referenced as `new URL('../wasm/…', import.meta.url)`,
 *   the pattern Vite, webpack 5, Parcel and Rollup's asset plugins rewrite into asset URLs.
 *   The copies are of tfjs-backend-wasm TFJS_WASM_VERSION; with another installed version
 *   the caller must pass `wasmPaths`.
 */

/** The tfjs-backend-wasm version whose binaries ship in ../wasm/. */
export const TFJS_WASM_VERSION = '4.22.0';

/** The binaries tfjs-backend-wasm chooses from (plain, SIMD, SIMD with threads). */
export const WASM_BINARY_NAMES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;

/** A prefix ending in '/' or a map from every name in WASM_BINARY_NAMES to a URL or path. */
export type WasmPaths = string | Record<(typeof WASM_BINARY_NAMES)[number], string>;

type NodeModuleApi = { createRequire(from: string): { resolve(id: string): string } };
type NodePathApi = { dirname(p: string): string; sep: string };
type NodeUrlApi = { fileURLToPath(u: string): string };

function nodeBuiltin<T>(name: string): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return typeof proc?.getBuiltinModule === 'function' ? (proc.getBuiltinModule(name) as T) : undefined;
}

/**
 * In Node, the folder (with a trailing separator) holding the installed
 * tfjs-backend-wasm's binaries, or undefined if it cannot be resolved from here.
 */
export function nodeWasmDirectory(): string | undefined {
  const probe = '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm';
  const path = nodeBuiltin<NodePathApi>('node:path');
  if (path === undefined) return undefined;
  let file: string | undefined;
  try {
    const modules = nodeBuiltin<NodeModuleApi>('node:module');
    file = modules?.createRequire(import.meta.url).resolve(probe);
  } catch {
    file = undefined;
  }
  if (file === undefined && typeof import.meta.resolve === 'function') {
    try {
      file = nodeBuiltin<NodeUrlApi>('node:url')?.fileURLToPath(import.meta.resolve(probe));
    } catch {
      file = undefined;
    }
  }
  return file === undefined ? undefined : path.dirname(file) + path.sep;
}

/** The URLs of the binaries shipped with this package (see above), for bundled browser code. */
export function bundledWasmFileMap(): Record<(typeof WASM_BINARY_NAMES)[number], string> {
  return {
    'tfjs-backend-wasm.wasm': new URL('../wasm/tfjs-backend-wasm.wasm', import.meta.url).href,
    'tfjs-backend-wasm-simd.wasm': new URL('../wasm/tfjs-backend-wasm-simd.wasm', import.meta.url).href,
    'tfjs-backend-wasm-threaded-simd.wasm': new URL('../wasm/tfjs-backend-wasm-threaded-simd.wasm', import.meta.url).href,
  };
}
