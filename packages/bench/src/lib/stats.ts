/** Timing helpers: medians of repeated runs after warm-up. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gcFunction: (() => void) | null | undefined;

/**
 * A full garbage collection, if this Node allows exposing `gc` at run time (it does:
 * --expose-gc set through node:v8, read from a fresh context); a no-op otherwise. Timed runs
 * call it first, so that garbage left by an earlier measurement (the JS kernels and
 * ml-matrix allocate a lot) is not collected, by concurrent GC threads, inside the next one.
 */
export function collectGarbage(): void {
  if (gcFunction === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      gcFunction = runInNewContext('gc') as () => void;
    } catch {
      gcFunction = null;
    }
  }
  gcFunction?.();
}

/** The median (mean of the two middle values for an even count); throws on an empty list. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median: empty list');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : 0.5 * (s[mid - 1] + s[mid]);
}

export interface Timing {
  /** Wall-clock milliseconds of each timed run. */
  runsMs: number[];
  medianMs: number;
  minMs: number;
  /** CPU milliseconds of this process (all its threads) per run, and their median. */
  cpuRunsMs: number[];
  medianCpuMs: number;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Runs `fn` `warmup` times untimed (JIT and WebAssembly tier-up), then `runs` times timed
 * with performance.now() and process.cpuUsage(), each after a full garbage collection
 * (untimed); returns every time, the medians and the minimum. On a shared machine the CPU time is the steadier number (it excludes the time
 * the process waited for a core).
 */
export function timeRuns(fn: () => unknown, runs: number, warmup = 1): Timing {
  if (!(Number.isInteger(runs) && runs >= 1)) throw new Error(`timeRuns: runs must be an integer >= 1, got ${runs}`);
  for (let i = 0; i < warmup; i++) fn();
  const runsMs: number[] = [];
  const cpuRunsMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    collectGarbage();
    const c = cpuMs();
    const t = performance.now();
    fn();
    runsMs.push(performance.now() - t);
    cpuRunsMs.push(cpuMs() - c);
  }
  return { runsMs, medianMs: median(runsMs), minMs: Math.min(...runsMs), cpuRunsMs, medianCpuMs: median(cpuRunsMs) };
}
