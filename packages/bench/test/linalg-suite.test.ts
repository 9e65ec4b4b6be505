import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { symmetricEigen } from '@shampoo-ts/linalg';
import { DEBIAN_PYTHON, main, runLapack } from '../src/index.js';
import { dampedGram } from '../src/suites/linalg.js';

const hasNumpy = spawnSync(DEBIAN_PYTHON, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
if (!hasNumpy) console.warn(`[bench] skipping the LAPACK test: numpy is not importable by ${DEBIAN_PYTHON} (apt-get install python3-numpy libopenblas0-pthread; .ci/install-system-deps.sh does)`);

describe('linalg suite', () => {
  it('benchmarks SPD matrices: dampedGram is exactly symmetric with eigenvalues >= 1e-3', () => {
    const n = 30;
    const a = dampedGram(n, 7);
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(a[i * n + j]).toBe(a[j * n + i]);
    const { values } = symmetricEigen(a, n);
    expect(values[0]).toBeGreaterThanOrEqual(1e-3 * (1 - 1e-9));
  });

  it('a missing interpreter makes LAPACK unavailable with the reason, not an exception', () => {
    const r = runLapack('/nonexistent/python3', [{ kind: 'eigh', n: 2, count: 1, data: Float64Array.of(2, 1, 1, 2), runs: 1, warmup: 0 }]);
    expect(r.available).toBe(false);
    if (!r.available) expect(r.reason).toMatch(/\/nonexistent\/python3 could not be started/);
  });

  it.skipIf(!hasNumpy)('LAPACK through numpy: eigh of a known matrix, one timing per run, LAPACK-level residual', () => {
    const r = runLapack(DEBIAN_PYTHON, [
      { kind: 'eigh', n: 2, count: 1, data: Float64Array.of(2, 1, 1, 2), runs: 3, warmup: 1 },
      { kind: 'inverse_root', n: 2, count: 1, data: Float64Array.of(16, 0, 0, 81), runs: 2, warmup: 0, root: 4 },
    ]);
    expect(r.available).toBe(true);
    if (!r.available) return;
    expect(r.results[0].timesMs).toHaveLength(3);
    expect(r.results[0].residual).toBeLessThan(1e-15);
    expect(r.results[1].timesMs).toHaveLength(2);
    expect(r.results[1].residual).toBeLessThan(1e-15); // diag(16, 81)^(-1/4) = diag(1/2, 1/3) exactly enough
    expect(r.info.openblasThreads ?? 1).toBe(1);
  });

  it('--quick runs end to end and writes linalg.json rows with the documented fields and linalg.svg', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bench-linalg-'));
    const lines: string[] = [];
    const code = await main(['linalg', '--quick', '--out', out, '--runs', '1', '--no-mlmatrix'], { out: (l) => lines.push(l), err: (l) => lines.push(l), cwd: out });
    expect(code).toBe(0);
    const json = JSON.parse(readFileSync(join(out, 'linalg.json'), 'utf8'));
    expect(json.rows.map((r: { case: string; n: number }) => `${r.case}:${r.n}`)).toEqual(['eigh:64', 'eigh:128', 'inverse_root_4:128', 'batch:64']);
    for (const row of json.rows) {
      expect(Object.keys(row)).toEqual(expect.arrayContaining(['n', 'ours_ms', 'lapack_ms', 'mlmatrix_ms', 'residual']));
      expect(row.ours_ms).toBeGreaterThan(0);
      expect(row.mlmatrix_ms).toBeNull();
      expect(row.residual).toBeLessThan(row.case === 'inverse_root_4' ? 1e-9 : 1e-13);
      if (hasNumpy) expect(row.lapack_ms).toBeGreaterThan(0);
    }
    expect(readFileSync(join(out, 'linalg.svg'), 'utf8')).toMatch(/^<svg[\s\S]*ours \(wasm\)[\s\S]*<\/svg>\n$/);
    expect(lines.join('\n')).toMatch(/ours\/LAPACK/);
  });

  it('bad flag values are refused with the flag named', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bench-linalg-'));
    const errs: string[] = [];
    const io = { out: () => {}, err: (l: string) => errs.push(l), cwd: out };
    expect(await main(['linalg', '--sizes', '12,x'], io)).toBe(1);
    expect(await main(['linalg', '--runs', '0'], io)).toBe(1);
    expect(errs.join('\n')).toMatch(/--sizes = "12,x" is not allowed[\s\S]*--runs = "0" is not allowed/);
  });
});
