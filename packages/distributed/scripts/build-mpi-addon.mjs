#!/usr/bin/env node
// Builds the Open MPI binding (src/native/mpi_binding.cc) into dist/native/mpi_binding.node
// with node-gyp and node-addon-api, when MPI is on the machine; otherwise prints why it
// skipped and succeeds, so the package builds everywhere and only the MPI communicator
// needs Open MPI (Debian: openmpi-bin libopenmpi-dev, see .ci/install-mpi.sh).
//
//   node scripts/build-mpi-addon.mjs           build if the addon is missing or older than its source
//   node scripts/build-mpi-addon.mjs --force   always rebuild
//
// The compile and link flags come from `mpicc --showme`, so the same script works with any
// Open MPI installation. Node's headers come from the running node's prefix
// (<prefix>/include/node), so nothing is downloaded.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(pkg, 'src', 'native', 'mpi_binding.cc');
const work = join(pkg, 'dist', 'native-build');
const target = join(pkg, 'dist', 'native', 'mpi_binding.node');
const force = process.argv.includes('--force');

function showme(option) {
  const r = spawnSync('mpicc', [`--showme:${option}`], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  return r.stdout.trim().split(/\s+/).filter(Boolean);
}

const incdirs = showme('incdirs');
const libdirs = showme('libdirs');
const libs = showme('libs');
if (!incdirs || !libdirs || !libs) {
  console.log('mpi addon: skipped, mpicc not found (install Open MPI: bash .ci/install-mpi.sh); the MPI communicator will be unavailable');
  process.exit(0);
}
if (!force && existsSync(target) && statSync(target).mtimeMs >= statSync(source).mtimeMs) {
  console.log(`mpi addon: up to date (${target})`);
  process.exit(0);
}

const nodedir = dirname(dirname(process.execPath));
if (!existsSync(join(nodedir, 'include', 'node', 'node_api.h'))) {
  console.error(`mpi addon: Node's headers are not in ${nodedir}/include/node; cannot build the MPI binding`);
  process.exit(1);
}

function findNodeGyp() {
  if (process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)) return process.env.npm_config_node_gyp;
  const require = createRequire(import.meta.url);
  try {
    return require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    // npm bundles node-gyp: <prefix>/lib/node_modules/npm/node_modules/node-gyp
    const bundled = join(nodedir, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    if (existsSync(bundled)) return bundled;
  }
  console.error('mpi addon: node-gyp not found (neither installed nor bundled with npm)');
  process.exit(1);
}

const addonApi = dirname(createRequire(import.meta.url).resolve('node-addon-api/package.json'));
const gyp = {
  targets: [
    {
      target_name: 'mpi_binding',
      sources: ['mpi_binding.cc'],
      include_dirs: [addonApi, ...incdirs],
      libraries: [...libdirs.map((d) => `-L${d}`), ...libdirs.map((d) => `-Wl,-rpath,${d}`), ...libs.map((l) => `-l${l}`)],
      cflags_cc: ['-std=c++17', '-O2', '-fexceptions'],
      'cflags_cc!': ['-fno-exceptions'],
      defines: ['NAPI_VERSION=8', 'NAPI_CPP_EXCEPTIONS', 'OMPI_SKIP_MPICXX=1', 'MPICH_SKIP_MPICXX=1'],
    },
  ],
};

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
writeFileSync(join(work, 'binding.gyp'), JSON.stringify(gyp, null, 2));
copyFileSync(source, join(work, 'mpi_binding.cc'));
const started = Date.now();
try {
  execFileSync(process.execPath, [findNodeGyp(), 'rebuild', `--nodedir=${nodedir}`, '--loglevel=error'], {
    cwd: work,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, npm_config_nodedir: nodedir },
  });
} catch (e) {
  console.error(`mpi addon: node-gyp failed (${e.message})`);
  process.exit(1);
}
mkdirSync(dirname(target), { recursive: true });
copyFileSync(join(work, 'build', 'Release', 'mpi_binding.node'), target);
console.log(`mpi addon: built ${target} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
