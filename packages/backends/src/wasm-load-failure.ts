/**
 * Which .wasm binary could not be loaded, and why: run after the wasm backend failed to
 * start, so the error names the URLs (a browser app bundled without an asset pipeline
 * otherwise sees only tfjs's "failed to initialise").
 */
import { WASM_BINARY_NAMES, type WasmPaths } from './wasm-binaries.js';

type Fetch = (url: string, init?: { method?: string }) => Promise<{ ok: boolean; status: number; statusText?: string }>;
type Fs = { existsSync(path: string): boolean };

/** Every binary's location under `paths`: prefix + name, or the map's entry. */
export function wasmBinaryLocations(paths: WasmPaths): string[] {
  if (typeof paths === 'string') return WASM_BINARY_NAMES.map((name) => paths + name);
  return WASM_BINARY_NAMES.map((name) => paths[name]);
}

/** One location's state: 'ok', 'HTTP 404 Not Found', 'missing' or a fetch error's message. */
async function probe(location: string, fetcher: Fetch | undefined, fs: Fs | undefined): Promise<string> {
  const remote = /^(https?|blob|data):/.test(location);
  if (!remote && fs !== undefined) return fs.existsSync(location.startsWith('file:') ? new URL(location).pathname : location) ? 'ok' : 'missing';
  if (fetcher === undefined) return 'not checked (no fetch)';
  try {
    const r = await fetcher(location, { method: 'HEAD' });
    return r.ok ? 'ok' : `HTTP ${r.status}${r.statusText ? ` ${r.statusText}` : ''}`;
  } catch (e) {
    return `fetch failed: ${(e as Error).message}`;
  }
}

/**
 * A sentence naming each binary's location and its state, e.g.
 * "http://x/wasm/tfjs-backend-wasm-simd.wasm: HTTP 404 Not Found; ...", relative URLs made
 * absolute against the page's location. `paths` undefined means tfjs's own default (the
 * .wasm next to its JS file).
 */
export async function describeWasmFailure(
  paths: WasmPaths | undefined,
  fetcher: Fetch | undefined = (globalThis as { fetch?: Fetch }).fetch,
  fs: Fs | undefined = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:fs') as Fs | undefined,
): Promise<string> {
  if (paths === undefined) return "tfjs's default location (next to @tensorflow/tfjs-backend-wasm's JS file)";
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  const absolute = (at: string) => (base !== undefined && fs === undefined ? new URL(at, base).href : at);
  const states = await Promise.all(wasmBinaryLocations(paths).map(absolute).map(async (at) => `${at}: ${await probe(at, fetcher, fs)}`));
  return states.join('; ');
}
