#!/usr/bin/env node
// The newcomer test: what a user who installs shampoo-ts from npm gets, checked outside the
// workspace (issue #16). It packs every published package (npm pack), checks each
// tarball's file list, installs the tarballs with only registry dependencies into a fresh
// app in a temporary folder, and there runs: an ESM example (Shampoo steps on wasm and cpu,
// the loss falls, no tensor leaks), the CommonJS path (require() and the `await import()`
// recipe), `tsc --strict` under moduleResolution node16 and bundler, an esbuild
// --platform=browser bundle of each browser package's entry (no Node built-ins, and
// @shampoo-ts/backends bundles without the optional webgpu backend installed), and a
// browser app bundled with esbuild and run in headless Chromium on cpu, wasm and webgpu.
// Last, in a copy of the repository, `changeset version` and `npm publish --dry-run`.
//
//   node scripts/newcomer-test.mjs [--json <file>] [--keep] [--skip-release]
//
// Needs a build (npm run build). Prints one line per check and "newcomer: N passed, N failed";
// --json writes { passed, failed, seconds, checks } (.ci/run adds the counts to its total).
// Exit status 1 if a check failed.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tarballProblems } from './newcomer/tarball-check.mjs';
import { bundleBrowserApp, browserChecks, CHROMIUM_PATH } from './newcomer/browser-run.mjs';
import { releaseChecks } from './newcomer/release-check.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;
const started = Date.now();
const work = mkdtempSync(join(tmpdir(), 'shampoo-ts-newcomer-'));
const checks = [];
const tools = createRequire(join(root, 'package.json'));

/** Records a check and prints it. */
function record(check) {
  checks.push(check);
  console.log(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}`);
}

/** Runs `fn` as a named check; an exception is a failure carrying its message. */
async function step(name, fn) {
  const t0 = Date.now();
  try {
    const out = await fn();
    console.log(`     [${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s]`);
    for (const c of Array.isArray(out) ? out : [{ name, ...out }]) record(c);
  } catch (e) {
    record({ name, ok: false, detail: String(e?.stderr || e?.message || e).trim().split('\n').slice(-6).join(' / ') });
  }
}

/** Runs a command in `cwd`; returns stdout, or throws with its output. */
function run(command, argv, cwd) {
  const r = spawnSync(command, argv, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (r.status !== 0) throw new Error(`${command} ${argv.join(' ')} exited ${r.status}: ${r.stdout}${r.stderr}`.slice(-1500));
  return r.stdout;
}

const published = readdirSync(join(root, 'packages'))
  .filter((dir) => existsSync(join(root, 'packages', dir, 'package.json')))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) }))
  .filter(({ manifest }) => !manifest.private);

// 1. Pack (one npm call for all), and check what each tarball holds.
const tarballs = [];
let packed = [];
await step('npm pack', () => {
  packed = JSON.parse(run('npm', ['pack', '--json', '--loglevel=error', '--pack-destination', work, ...published.flatMap(({ manifest }) => ['-w', manifest.name])], root));
  return { ok: packed.length === published.length, detail: `${packed.length} tarballs` };
});
for (const { dir, manifest } of published) {
  await step(`tarball ${manifest.name}`, () => {
    const entry = packed.find((p) => p.name === manifest.name);
    if (entry === undefined) return { ok: false, detail: 'not packed' };
    tarballs.push(join(work, entry.filename));
    const problems = tarballProblems(entry.files.map((f) => f.path), manifest, existsSync(join(root, 'packages', dir, 'README.md')));
    return { ok: problems.length === 0, detail: problems.length ? problems.join('; ') : `${entry.files.length} files, ${(entry.size / 1024).toFixed(0)} KiB` };
  });
}

// 2. An app outside the workspace, with the tarballs and registry packages only (the
// optional webgpu backend included, for the browser app; step 4 hides it).
const app = join(work, 'app');
cpSync(join(root, 'scripts', 'newcomer', 'app'), app, { recursive: true });
writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'newcomer-app', private: true, type: 'module' }, null, 2));
await step('npm install the tarballs outside the workspace', () => {
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...tarballs, '@tensorflow/tfjs@4.22.0', '@tensorflow/tfjs-backend-webgpu@4.22.0'], app);
  const outside = published.filter(({ manifest }) => !realpathSync(join(app, 'node_modules', manifest.name)).startsWith(realpathSync(app)));
  return { ok: outside.length === 0, detail: outside.length ? `resolved outside the app: ${outside.map((p) => p.manifest.name).join(', ')}` : `${published.length} packages installed in ${app}` };
});

// 3. Node: ESM, CommonJS, TypeScript.
for (const [name, file] of [['esm', 'esm.mjs'], ['cjs', 'cjs.cjs']]) {
  await step(`node ${name}`, () => JSON.parse(run(process.execPath, [file], app).trim().split('\n').pop()));
}
const tsc = tools.resolve('typescript/bin/tsc');
for (const resolution of ['node16', 'bundler']) {
  await step(`tsc --strict, moduleResolution ${resolution}`, () => {
    run(process.execPath, [tsc, '-p', `tsconfig.${resolution}.json`], app);
    return { ok: true, detail: 'api.ts type-checks, @ts-expect-error lines hold' };
  });
}

// 4. Browser bundles of each browser package's entry, with the optional webgpu backend
// moved out of node_modules (so it cannot be resolved) and put back after.
const esbuild = await import(pathToFileURL(tools.resolve('esbuild')).href);
const webgpuBackend = join(app, 'node_modules', '@tensorflow', 'tfjs-backend-webgpu');
const hidden = existsSync(webgpuBackend);
if (hidden) renameSync(webgpuBackend, `${webgpuBackend}.hidden`);
for (const name of ['core', 'linalg', 'grafting', 'shampoo', 'backends']) {
  await step(`esbuild --platform=browser @shampoo-ts/${name}`, async () => {
    const result = await esbuild.build({
      stdin: { contents: `export * from '@shampoo-ts/${name}';`, resolveDir: app, loader: 'js' },
      bundle: true, platform: 'browser', format: 'esm', write: false, metafile: true, logLevel: 'silent', outfile: 'out.js',
    });
    const nodeOnly = Object.keys(result.metafile.inputs).filter((f) => /^node:|(^|\/)(worker_threads|child_process)(\.js)?$/.test(f));
    const bytes = result.outputFiles.reduce((n, f) => n + f.contents.length, 0);
    return { ok: nodeOnly.length === 0, detail: nodeOnly.length ? `pulls ${nodeOnly.join(', ')}` : `${(bytes / 1024).toFixed(0)} KiB, no Node built-ins${name === 'backends' ? ', without @tensorflow/tfjs-backend-webgpu installed' : ''}` };
  });
}

if (hidden) renameSync(`${webgpuBackend}.hidden`, webgpuBackend);

// 5. The browser app in headless Chromium.
if (!existsSync(CHROMIUM_PATH)) {
  record({ name: 'chromium', ok: false, detail: `${CHROMIUM_PATH} not found: apt-get install -y chromium (.ci/install-system-deps.sh)` });
} else {
  await step('chromium', async () => {
    const www = await bundleBrowserApp(esbuild, app);
    const playwright = await import(pathToFileURL(tools.resolve('playwright-core')).href);
    return browserChecks((playwright.chromium ?? playwright.default.chromium), www);
  });
}

// 6. The release dry run.
if (!args.includes('--skip-release')) await step('release', () => releaseChecks(root, work, published));

const failed = checks.filter((c) => !c.ok).length;
const seconds = Math.round((Date.now() - started) / 1000);
console.log(`newcomer: ${checks.length - failed} passed, ${failed} failed (${seconds} s${args.includes('--keep') ? `, kept ${work}` : ''})`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ passed: checks.length - failed, failed, seconds, checks }, null, 2));
if (!args.includes('--keep')) rmSync(work, { recursive: true, force: true });
process.exit(failed > 0 ? 1 : 0);
