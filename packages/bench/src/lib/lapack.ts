/**
 * LAPACK through numpy: numpy.linalg.eigh calls dsyevd (Householder tridiagonalisation,
 * divide and conquer, back-transformation). Run in a child Python process on exactly the
 * matrices our kernels get (written as raw little-endian float64 files), with
 * OPENBLAS_NUM_THREADS=1 and OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE removed from its
 * environment only, as environment.md prescribes for the anchor numbers.
 *
 * The default interpreter is Debian's /usr/bin/python3 (apt python3-numpy with
 * libopenblas0-pthread, the measured anchor); --python picks another. When Python or
 * numpy is missing the suite reports lapack_ms null with the reason and carries on.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DEBIAN_PYTHON = '/usr/bin/python3';

export type LapackCaseKind = 'eigh' | 'inverse_root' | 'batch';

export interface LapackCase {
  kind: LapackCaseKind;
  n: number;
  /** Matrices in the case (batch: stacked, numpy loops over them in C). */
  count: number;
  /** count * n * n numbers, row-major, matrix after matrix. */
  data: Float64Array;
  runs: number;
  warmup: number;
  /** inverse_root: r in A^(-1/r). */
  root?: number;
}

export interface LapackCaseResult {
  /** Wall-clock and process CPU milliseconds of each timed run. */
  timesMs: number[];
  cpuMs: number[];
  /** eigh/batch: max ||A V - V diag(w)||_F / ||A||_F; inverse_root: max_ij |(X^r A - I)_ij|. */
  residual: number;
  /** eigh/batch: max ||V^T V - I||_F. */
  orthogonality?: number;
}

export interface LapackInfo {
  python: string;
  pythonVersion: string;
  numpy: string;
  /** Shared libraries with blas/lapack in their name mapped into the Python process. */
  libraries: string[];
  openblasConfig?: string;
  openblasCore?: string;
  openblasThreads?: number;
}

export type LapackOutcome =
  | { available: true; info: LapackInfo; results: LapackCaseResult[] }
  | { available: false; reason: string };

const SCRIPT = String.raw`
import json, sys, time, ctypes
job = json.load(sys.stdin)
try:
    import numpy as np
except Exception as e:
    print(json.dumps({"error": "numpy is not importable: %s" % e}))
    sys.exit(0)

def case_result(case):
    n, count, kind = case["n"], case["count"], case["kind"]
    raw = np.fromfile(case["file"], dtype="<f8")
    a = raw.reshape(count, n, n) if kind == "batch" else raw.reshape(n, n)
    if kind == "inverse_root":
        r = float(case["root"])
        def run():
            w, v = np.linalg.eigh(a)
            return (v * w ** (-1.0 / r)) @ v.T
    else:
        def run():
            return np.linalg.eigh(a)
    for _ in range(case["warmup"]):
        run()
    times = []
    cpu = []
    out = None
    for _ in range(case["runs"]):
        c = time.process_time()
        t = time.perf_counter()
        out = run()
        times.append((time.perf_counter() - t) * 1e3)
        cpu.append((time.process_time() - c) * 1e3)
    res = {"timesMs": times, "cpuMs": cpu}
    if kind == "inverse_root":
        x = out
        xr = np.linalg.matrix_power(x, int(round(case["root"])))
        res["residual"] = float(np.max(np.abs(xr @ a - np.eye(n))))
    else:
        w, v = out
        if kind == "eigh":
            a, w, v = a[None], w[None], v[None]
        resid = [np.linalg.norm(a[i] @ v[i] - v[i] * w[i]) / np.linalg.norm(a[i]) for i in range(a.shape[0])]
        orth = [np.linalg.norm(v[i].T @ v[i] - np.eye(n)) for i in range(a.shape[0])]
        res["residual"] = float(max(resid))
        res["orthogonality"] = float(max(orth))
    return res

results = [case_result(c) for c in job["cases"]]

info = {"python": sys.executable, "pythonVersion": sys.version.split()[0], "numpy": np.__version__, "libraries": []}
with open("/proc/self/maps") as f:
    libs = sorted({line.split()[-1] for line in f if len(line.split()) >= 6 and ("blas" in line or "lapack" in line)})
info["libraries"] = libs
for path in libs:
    try:
        lib = ctypes.CDLL(path)
        cfg = lib.openblas_get_config
        cfg.restype = ctypes.c_char_p
        core = lib.openblas_get_corename
        core.restype = ctypes.c_char_p
        info["openblasConfig"] = cfg().decode()
        info["openblasCore"] = core().decode()
        info["openblasThreads"] = int(lib.openblas_get_num_threads())
        break
    except Exception:
        pass
print(json.dumps({"info": info, "results": results}))
`;

/** The interpreter to use: an explicit choice, else Debian's python3 if present, else python3 on PATH. */
export function defaultPython(explicit?: string): string {
  if (explicit !== undefined) return explicit;
  return existsSync(DEBIAN_PYTHON) ? DEBIAN_PYTHON : 'python3';
}

/** Runs the cases in one Python process; never throws for a missing Python or numpy. */
export function runLapack(python: string, cases: readonly LapackCase[]): LapackOutcome {
  const dir = mkdtempSync(join(tmpdir(), 'shampoo-bench-'));
  try {
    const job = {
      cases: cases.map((c, i) => {
        const file = join(dir, `case${i}.f64`);
        writeFileSync(file, new Uint8Array(c.data.buffer, c.data.byteOffset, c.data.byteLength));
        return { kind: c.kind, n: c.n, count: c.count, runs: c.runs, warmup: c.warmup, root: c.root ?? 0, file };
      }),
    };
    const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: '1' };
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
    const proc = spawnSync(python, ['-c', SCRIPT], { input: JSON.stringify(job), env, encoding: 'utf8', maxBuffer: 1 << 26 });
    if (proc.error) return { available: false, reason: `${python} could not be started (${proc.error.message})` };
    if (proc.status !== 0) {
      return { available: false, reason: `${python} exited with ${proc.status}: ${proc.stderr.trim().split('\n').slice(-3).join(' | ')}` };
    }
    const parsed = JSON.parse(proc.stdout) as { error?: string; info: LapackInfo; results: LapackCaseResult[] };
    if (parsed.error !== undefined) {
      return { available: false, reason: `${python}: ${parsed.error} (Debian: apt-get install -y python3-numpy libopenblas0-pthread)` };
    }
    return { available: true, info: parsed.info, results: parsed.results };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
