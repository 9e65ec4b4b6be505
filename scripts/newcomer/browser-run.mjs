// The browser part of the newcomer test: bundle app/browser.mjs with esbuild as a user's
// app would be (from the app folder, resolving the installed packages), serve it and run
// Shampoo steps in headless Chromium (Debian's /usr/bin/chromium through playwright-core)
// on cpu, wasm and webgpu, plus one page whose wasm binaries are missing (the error must
// name the URL).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from './static-server.mjs';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--enable-unsafe-webgpu'];

/** Bundles `app`/browser.mjs into `app`/www with esbuild; returns the folder. */
export async function bundleBrowserApp(esbuild, app) {
  const outdir = join(app, 'www');
  await esbuild.build({
    entryPoints: [join(app, 'browser.mjs')],
    absWorkingDir: app,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    outdir,
    loader: { '.wasm': 'file' },
    assetNames: 'wasm/[name]-[hash]',
    logLevel: 'error',
  });
  writeFileSync(join(outdir, 'index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="/browser.js"></script>');
  return outdir;
}

/** Opens a fresh page of `url`, waits for the app, runs `calls` ([backend, paths]) in order; returns results and page errors. */
async function inPage(browser, url, calls) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  await page.waitForFunction(() => 'newcomer' in globalThis, undefined, { timeout: 60_000 });
  const results = [];
  for (const [backend, paths] of calls) results.push(await page.evaluate(([b, p]) => globalThis.newcomer.run(b, p), [backend, paths]));
  await page.close();
  return { results, errors };
}

/** The checks: one per backend, one for the missing-binary error. */
export async function browserChecks(chromium, www) {
  const server = await serve(www);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  try {
    const checks = [];
    const good = await inPage(browser, server.url, [['cpu'], ['wasm'], ['webgpu']]);
    ['cpu', 'wasm', 'webgpu'].forEach((backend, i) => {
      const r = good.results[i];
      const wrongBackend = r.ok && r.info.name !== backend ? `ran on ${r.info.name}` : '';
      checks.push({ name: `chromium bundle on ${backend}`, ok: r.ok && !wrongBackend, detail: wrongBackend || `${r.detail}${r.info?.adapterInfo ? ` (adapter: ${r.info.adapterInfo.description || r.info.adapterInfo.architecture || r.info.adapterInfo.vendor})` : ''}` });
    });
    checks.push({ name: 'chromium page logs no error', ok: good.errors.length === 0, detail: good.errors.length ? good.errors.join(' | ') : 'no page error, no console error' });
    const bad = await inPage(browser, server.url, [['wasm', 'bad']]);
    const message = bad.results[0].detail;
    const named = `${server.url}no-such-folder/tfjs-backend-wasm-simd.wasm: HTTP 404`;
    checks.push({ name: 'missing wasm binary: the error names the URL', ok: !bad.results[0].ok && message.includes(named), detail: message.slice(0, 300) });
    return checks;
  } finally {
    await browser.close();
    await server.close();
  }
}
