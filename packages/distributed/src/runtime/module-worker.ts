/**
 * Starting a worker thread on an ES module, from the built package (dist/*.js) or from its
 * TypeScript sources (src/*.ts, as the monorepo's tests run it).
 *
 * Every worker starts from the same small bootstrap script. It first installs a death
 * signal: if the worker exits for any reason (an uncaught error, `process.exit`, a module
 * that fails to load) it writes a value into a shared Int32Array cell and wakes whoever
 * waits on it, so that a thread blocked in `Atomics.wait` (which cannot receive events)
 * still learns of the death at once and never hangs. The text of an uncaught error also
 * goes into a shared byte buffer; the worker's 'error' event carries it as usual. Then it loads the entry module; a `.ts` entry is loaded
 * through tsx's ESM hooks with `tsconfig.source.json`, which maps every `@shampoo-ts/*`
 * package to its src/index.ts.
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Where a dying worker reports: cells[index] <- value, then Atomics.notify; error text in `message`. */
export interface DeathSignal {
  readonly cells: Int32Array;
  readonly index: number;
  readonly value: number;
  /** UTF-8 text of the fatal error, NUL-padded. */
  readonly message?: Uint8Array;
  /** Also add 1 to wake.cells[wake.index] and notify it (a counter the parent waits on). */
  readonly wake?: { readonly cells: Int32Array; readonly index: number };
}

const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
const boot = workerData.__boot;
const death = boot.death;
if (death) {
  process.on('uncaughtExceptionMonitor', (error) => {
    if (!death.message) return;
    const text = new TextEncoder().encode(String(error && error.stack ? error.stack : error));
    const n = Math.min(text.length, death.message.length - 1);
    death.message.fill(0);
    death.message.set(text.subarray(0, n));
  });
  process.on('exit', () => {
    Atomics.store(death.cells, death.index, death.value);
    Atomics.notify(death.cells, death.index);
    if (death.wake) {
      Atomics.add(death.wake.cells, death.wake.index, 1);
      Atomics.notify(death.wake.cells, death.wake.index);
    }
  });
}
(async () => {
  if (boot.tsx) {
    const { register } = await import(boot.tsx.api);
    register({ tsconfig: boot.tsx.tsconfig });
  }
  await import(boot.entry);
})();
`;

/** True when `moduleUrl` is a TypeScript source (we are running from src/, not dist/). */
export function isTypeScriptSource(moduleUrl: string | URL): boolean {
  return /\.[cm]?ts$/.test(new URL(moduleUrl).pathname);
}

let tsxSetup: { api: string; tsconfig: string } | undefined;

function tsxFor(entry: URL): { api: string; tsconfig: string } | undefined {
  if (!isTypeScriptSource(entry)) return undefined;
  if (!tsxSetup) {
    const require = createRequire(import.meta.url);
    let api: string;
    try {
      // The ESM build of tsx's API (require.resolve would give its CommonJS build).
      api = new URL('dist/esm/api/index.mjs', pathToFileURL(require.resolve('tsx/package.json'))).href;
    } catch {
      throw new Error(`module worker: the entry ${entry.href} is TypeScript and loading it needs the 'tsx' package, which is not installed; build the package (npm run build) to run from dist/ instead`);
    }
    tsxSetup = { api, tsconfig: fileURLToPath(new URL('../../tsconfig.source.json', import.meta.url)) };
  }
  return tsxSetup;
}

/** A relative sibling of `base` with the same extension (`.ts` in src/, `.js` in dist/). */
export function siblingModule(base: string | URL, relativeWithoutExtension: string): URL {
  const ext = isTypeScriptSource(base) ? '.ts' : '.js';
  return new URL(`${relativeWithoutExtension}${ext}`, base);
}

/**
 * Starts a worker thread that loads `entry` (a file URL to a .js or .ts ES module) with
 * `workerData`, after installing the death signal `death` if given.
 */
export function startModuleWorker(
  entry: URL,
  workerData: Record<string, unknown>,
  options: {
    death?: DeathSignal;
    name?: string;
    transferList?: readonly import('node:worker_threads').TransferListItem[];
    resourceLimits?: import('node:worker_threads').ResourceLimits;
  } = {},
): Worker {
  const boot = { entry: entry.href, tsx: tsxFor(entry), death: options.death };
  return new Worker(BOOTSTRAP, {
    eval: true,
    execArgv: [],
    workerData: { ...workerData, __boot: boot },
    name: options.name,
    transferList: options.transferList ? [...options.transferList] : undefined,
    resourceLimits: options.resourceLimits,
    stdout: false,
    stderr: false,
  });
}
