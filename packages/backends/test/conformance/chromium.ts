/**
 * Runs the conformance page in headless Chromium: bundles browser-entry.ts with Vite (a
 * real bundler, so the wasm backend's binaries go through its asset pipeline exactly as
 * in a user's app), serves the bundle from a localhost server, and drives Debian's
 * /usr/bin/chromium with playwright-core.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { BackendInfo, BackendRequest } from '@shampoo-ts/backends';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--enable-unsafe-webgpu'];

const here = fileURLToPath(new URL('.', import.meta.url));
const packageRoot = join(here, '..', '..');
const repoRoot = join(packageRoot, '..', '..');

/** Bundles the page into a fresh temporary folder; returns the folder. */
export async function bundlePage(): Promise<string> {
  const { copyWasmBinaries } = (await import(join(packageRoot, 'scripts', 'copy-wasm-binaries.mjs'))) as { copyWasmBinaries: () => string };
  copyWasmBinaries();
  const { build } = await import('vite');
  const outDir = mkdtempSync(join(tmpdir(), 'shampoo-ts-conformance-'));
  await build({
    root: here,
    configFile: false,
    logLevel: 'warn',
    resolve: {
      // '@shampoo-ts/x' -> packages/x/src/index.ts, a subpath '@shampoo-ts/x/y' -> packages/x/src/y.ts.
      alias: ['backends', 'core', 'linalg', 'grafting', 'shampoo'].flatMap((name) => [
        { find: new RegExp(`^@shampoo-ts/${name}$`), replacement: join(repoRoot, 'packages', name, 'src', 'index.ts') },
        { find: new RegExp(`^@shampoo-ts/${name}/([a-z-]+)$`), replacement: join(repoRoot, 'packages', name, 'src', '$1.ts') },
      ]),
    },
    build: {
      outDir,
      emptyOutDir: true,
      minify: false,
      target: 'es2022',
      rollupOptions: { input: join(here, 'browser-entry.ts'), output: { entryFileNames: 'conformance.js', format: 'es' } },
    },
  });
  writeFileSync(join(outDir, 'index.html'), '<!doctype html><meta charset="utf-8"><script type="module" src="/conformance.js"></script>');
  return outDir;
}

const MIME: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

/** A static file server for `root` on 127.0.0.1 (a random free port). */
export async function serve(root: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(root, path === '/' ? 'index.html' : path);
    if (!file.startsWith(root) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A running page with the conformance API, or the reason there is none. */
export type ChromiumSession = { ok: true; browser: Browser; page: Page; close: () => Promise<void> } | { ok: false; reason: string };

/** Bundles, serves and opens the conformance page in headless Chromium. */
export async function openConformancePage(): Promise<ChromiumSession> {
  if (!existsSync(CHROMIUM_PATH)) {
    return { ok: false, reason: `${CHROMIUM_PATH} not found: apt-get install -y chromium (.ci/install-system-deps.sh does this)` };
  }
  const outDir = await bundlePage();
  const server = await serve(outDir);
  const { chromium } = await import('playwright-core');
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  } catch (e) {
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
    return { ok: false, reason: `Chromium did not start: ${(e as Error).message.split('\n')[0]}` };
  }
  const page = await browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(server.url);
  await page.waitForFunction(() => 'conformance' in globalThis, undefined, { timeout: 30_000 }).catch(() => undefined);
  if (!(await page.evaluate(() => 'conformance' in globalThis))) {
    await browser.close();
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
    throw new Error(`the conformance page did not load: ${pageErrors.join('; ') || 'no error reported'}`);
  }
  const close = async () => {
    await browser.close();
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
  };
  return { ok: true, browser, page, close };
}

/** Starts a backend in the page. */
export async function startInPage(page: Page, backend: BackendRequest): Promise<{ ok: true; info: BackendInfo } | { ok: false; reason: string }> {
  return page.evaluate((b) => (globalThis as any).conformance.start(b), backend);
}

/** The executor kind Shampoo's rootExecutor 'auto' picks in the page on its active backend. */
export async function autoChoiceInPage(page: Page): Promise<string | null> {
  return page.evaluate(() => (globalThis as any).conformance.autoChoice());
}

/** Runs one case in the page. */
export async function runInPage(page: Page, optimizer: string, seed: number, steps: number): Promise<{ initial: number[][]; final: number[][] }> {
  return page.evaluate(([o, s, k]) => (globalThis as any).conformance.run(o, s, k), [optimizer, seed, steps] as const);
}
