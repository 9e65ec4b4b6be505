/**
 * Running rank programs under Open MPI from vitest: `mpirun -np N --oversubscribe
 * --allow-run-as-root node --import tsx <script.ts> ...`, with tsx mapping every
 * @shampoo-ts/* import to its src/ (tsconfig.source.json), as vitest does.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MPI_ADDON_PATH, mpiUnavailableReason } from '@shampoo-ts/distributed';

const pkg = fileURLToPath(new URL('../../', import.meta.url));
const tsxLoader = new URL('dist/loader.mjs', pathToFileURL(createRequire(import.meta.url).resolve('tsx/package.json'))).href;

/**
 * Why mpirun tests cannot run here, or undefined when they can. Builds the binding first
 * if Open MPI is installed but the package was not built since.
 */
export function mpiTestSkipReason(): string | undefined {
  if (spawnSync('mpirun', ['--version']).error) return 'mpirun not found (install Open MPI: bash .ci/install-mpi.sh)';
  if (spawnSync('mpicc', ['--version']).error) return 'mpicc not found (install libopenmpi-dev: bash .ci/install-mpi.sh)';
  if (!existsSync(MPI_ADDON_PATH)) execFileSync(process.execPath, ['scripts/build-mpi-addon.mjs'], { cwd: pkg, stdio: 'inherit' });
  return mpiUnavailableReason();
}

export interface MpiRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `script` (a .ts file under test/) on `np` MPI ranks; resolves when mpirun exits or after `timeoutMs`. */
export function mpirun(np: number, script: string, args: string[], timeoutMs = 60_000): Promise<MpiRun> {
  const argv = [
    '-np', String(np), '--oversubscribe', '--allow-run-as-root',
    '-x', `TSX_TSCONFIG_PATH=${pkg}tsconfig.source.json`,
    process.execPath, '--import', tsxLoader, `${pkg}${script}`, ...args,
  ];
  return new Promise((resolve) => {
    const child = spawn('mpirun', argv, { cwd: pkg, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n[test] mpirun stopped after ${timeoutMs} ms`;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
