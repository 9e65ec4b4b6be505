/**
 * The playground in headless Chromium (Debian's chromium through playwright-core, the flags of
 * the backends' conformance harness): the site is built with esbuild into a temporary folder
 * and served; for wasm and for webgpu (SwiftShader there) the page is driven through its
 * controls, trains, and must show: every chosen optimizer's loss falling, Shampoo's stats
 * (finite condition numbers >= 1 from the host root computation, root refreshes at the
 * preconditionFrequency), the tensor count back where it started, no console error and no
 * page error. A full-page screenshot of each run is saved in the temporary folder (its path printed).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildPlayground, servePlayground, WASM_FILES } from '../build.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../packages/backends/test/conformance/chromium.js';
import type { SessionResult } from '../src/train.js';

const shots = mkdtempSync(join(tmpdir(), 'shampoo-ts-playground-shots-'));
let site = '';
let server: Awaited<ReturnType<typeof servePlayground>> | null = null;
let browser: Browser | null = null;

beforeAll(async () => {
  site = await buildPlayground(mkdtempSync(join(tmpdir(), 'shampoo-ts-playground-site-')));
  server = await servePlayground(site);
  if (!existsSync(CHROMIUM_PATH)) return; // the Chromium tests are skipped (it.runIf below)
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (site) rmSync(site, { recursive: true, force: true });
  console.log(`playground screenshots: ${shots}`);
});

interface Page0 {
  page: Page;
  errors: string[];
}

async function openPage(): Promise<Page0> {
  const page = await browser!.newPage({ viewport: { width: 1150, height: 900 } });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
  await page.goto(server!.url);
  await page.waitForFunction(() => (globalThis as any).playground?.status === 'idle', undefined, { timeout: 60_000 });
  return { page, errors };
}

/** Sets the controls, clicks Train, waits for the end; returns the page's result. */
async function train(page: Page, backend: 'wasm' | 'webgpu', task: string, optimizers: Record<string, number>, steps: number, frequency: number): Promise<SessionResult> {
  await page.selectOption('#backend', backend);
  await page.selectOption('#task', task);
  await page.fill('#steps', String(steps));
  await page.fill('#frequency', String(frequency));
  for (const name of ['adamw', 'shampoo', 'soap', 'muon']) {
    await page.setChecked(`#use-${name}`, name in optimizers);
    if (name in optimizers) await page.fill(`#lr-${name}`, String(optimizers[name]));
  }
  await page.click('#train');
  await page.waitForFunction(() => ['done', 'error'].includes((globalThis as any).playground.status), undefined, { timeout: 280_000, polling: 250 });
  const { status, error, result } = await page.evaluate(() => (globalThis as any).playground);
  expect(error).toBeNull();
  expect(status).toBe('done');
  return result as SessionResult;
}

function checkResult(result: SessionResult, names: string[], steps: number, frequency: number): void {
  expect(result.runs.map((r) => r.name)).toEqual(names);
  for (const r of result.runs) {
    expect(r.losses).toHaveLength(steps);
    expect(r.losses.every(Number.isFinite), r.name).toBe(true);
    expect(r.losses.at(-1)!, `${r.name}: the loss falls`).toBeLessThan(0.5 * r.losses[0]);
    expect(r.stepMs.every((ms) => ms >= 0)).toBe(true);
  }
  const sh = result.runs.find((r) => r.name === 'shampoo')!;
  const conditions = Object.values(sh.stats!.blocks).flatMap((b) => b.condition);
  expect(conditions.length).toBeGreaterThan(0);
  expect(conditions.every((c) => c !== null && Number.isFinite(c) && c >= 1)).toBe(true);
  expect(sh.refreshSteps.length).toBeGreaterThanOrEqual(Math.floor(steps / frequency) - 1);
  expect(result.tensorsAfter).toBe(result.tensorsBefore);
}

const hasChromium = existsSync(CHROMIUM_PATH);
if (!hasChromium) console.warn(`[playground] skipping the browser tests: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium; .ci/install-system-deps.sh does)`);

describe('the playground site', () => {
  it('holds the page, its bundle and the wasm binaries', () => {
    expect(readdirSync(site).sort()).toEqual(['index.html', 'playground.js', 'wasm']);
    expect(readdirSync(join(site, 'wasm')).sort()).toEqual([...WASM_FILES].sort());
  });

  it.runIf(hasChromium)('trains on wasm: the least-squares matrix task with all four optimizers, and the quadratic', async () => {
    const { page, errors } = await openPage();
    const all = { adamw: 0.05, shampoo: 0.05, soap: 0.05, muon: 0.05 };
    checkResult(await train(page, 'wasm', 'least-squares', all, 60, 5), ['adamw', 'shampoo', 'soap', 'muon'], 60, 5);
    expect(await page.evaluate(() => (globalThis as any).playground.backend.name)).toBe('wasm');
    await page.screenshot({ path: join(shots, 'wasm-least-squares.png'), fullPage: true });
    checkResult(await train(page, 'wasm', 'quadratic', { adamw: 0.05, shampoo: 0.05 }, 60, 5), ['adamw', 'shampoo'], 60, 5);
    await page.screenshot({ path: join(shots, 'wasm-quadratic.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it.runIf(hasChromium)('trains on webgpu (SwiftShader): the quadratic with AdamW and Shampoo', async () => {
    const { page, errors } = await openPage();
    checkResult(await train(page, 'webgpu', 'quadratic', { adamw: 0.05, shampoo: 0.05 }, 40, 5), ['adamw', 'shampoo'], 40, 5);
    expect(await page.evaluate(() => (globalThis as any).playground.backend.name)).toBe('webgpu');
    await page.screenshot({ path: join(shots, 'webgpu-quadratic.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
