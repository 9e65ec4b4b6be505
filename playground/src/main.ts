/**
 * The playground page: reads the controls, starts the backend (webgpu where the browser has
 * it, else wasm; the wasm binaries are served from ./wasm/ of the site), runs a session
 * (train.ts) and redraws after every step: the loss curves (log scale), the 2-D trajectories,
 * the mean step times and, for Shampoo, each block's condition numbers over time with its
 * root refreshes marked, and the table of its last ShampooStats.
 * `window.playground` exposes the status and the last result (for the Chromium test).
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import * as tf from '@tensorflow/tfjs-core';
// The webgpu backend registers itself on import; @shampoo-ts/backends does not import it in a
// way bundlers follow (so that it bundles without the optional package), so the page does.
import '@tensorflow/tfjs-backend-webgpu';
import { useBackend, type BackendInfo } from '@shampoo-ts/backends';
import type { ShampooStats } from '@shampoo-ts/shampoo';
import { contourPlot, linePlot, type Series } from './plot.js';
import { OPTIMIZER_LABELS, OPTIMIZER_NAMES, type OptimizerName } from './optimizers.js';
import { makeTask, type TaskName } from './tasks.js';
import { runSession, type RunTrace, type SessionConfig, type SessionResult } from './train.js';

const COLORS: Record<OptimizerName, string> = { adamw: '#1f77b4', shampoo: '#d62728', soap: '#2ca02c', muon: '#9467bd' };
const PALETTE = ['#d62728', '#ff7f0e', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#1f77b4'];

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const num = (id: string) => Number($<HTMLInputElement>(id).value);

interface PlaygroundApi {
  status: 'loading' | 'idle' | 'running' | 'done' | 'error';
  backend: BackendInfo | null;
  result: SessionResult | null;
  error: string | null;
}
const api: PlaygroundApi = { status: 'loading', backend: null, result: null, error: null };
(globalThis as unknown as { playground: PlaygroundApi }).playground = api;

function setStatus(text: string): void {
  $('status').textContent = text;
}

/** The session the controls describe. */
function readConfig(read: SessionConfig['read']): SessionConfig {
  const optimizers = OPTIMIZER_NAMES.filter((n) => $<HTMLInputElement>(`use-${n}`).checked).map((name) => ({ name, lr: num(`lr-${name}`) }));
  return {
    task: $<HTMLSelectElement>('task').value as TaskName,
    optimizers,
    steps: num('steps'),
    preconditionFrequency: num('frequency'),
    blockSize: num('block'),
    read,
  };
}

/** Starts the chosen backend (once per choice). */
async function startBackend(name: 'webgpu' | 'wasm'): Promise<BackendInfo> {
  if (api.backend?.name === name && tf.getBackend() === name) return api.backend;
  const info = await useBackend(name, { wasm: { wasmPaths: new URL('./wasm/', location.href).href }, webgpu: { allowSoftware: true } });
  api.backend = info;
  $('backend-info').textContent = `${info.name}${info.adapterInfo ? `: ${info.adapterInfo.description || info.adapterInfo.architecture}` : ''}`;
  return info;
}

/** Redraws everything from the traces so far. */
function draw(runs: readonly RunTrace[], t: number, task: TaskName, conditions: Map<string, number[]>): void {
  linePlot($('loss'), 'loss (log scale)', runs.map((r) => ({ label: OPTIMIZER_LABELS[r.name], color: COLORS[r.name], y: r.losses })), t);
  const plane = $<HTMLCanvasElement>('plane');
  const view = planeOf(task);
  plane.style.display = view ? '' : 'none';
  if (view) contourPlot(plane, view.f, view.box, runs.map((r) => ({ color: COLORS[r.name], path: r.path })));
  $('times').innerHTML =
    '<tr><th>optimizer</th><th>steps</th><th>mean ms / step</th><th>last loss</th></tr>' +
    runs.map((r) => `<tr><td>${OPTIMIZER_LABELS[r.name]}</td><td>${r.losses.length}</td><td>${(r.stepMs.reduce((a, b) => a + b, 0) / Math.max(1, r.stepMs.length)).toFixed(2)}</td><td>${(r.losses.at(-1) ?? NaN).toExponential(3)}</td></tr>`).join('');
  const sh = runs.find((r) => r.name === 'shampoo');
  const series: Series[] = [...conditions.entries()].map(([key, y], k) => ({ label: key, color: PALETTE[k % PALETTE.length], y, marks: sh?.refreshSteps }));
  linePlot($('condition'), 'Shampoo: factor condition numbers (ticks: root refreshes)', series, t);
  $('blocks').innerHTML = sh?.stats ? statsTable(sh.stats) : '<tr><td>Shampoo not selected</td></tr>';
}

const planes = new Map<TaskName, ReturnType<typeof makePlane>>();
function makePlane(task: TaskName) {
  const t = makeTask(task);
  const plane = t.plane;
  t.dispose();
  return plane;
}
function planeOf(task: TaskName) {
  if (!planes.has(task)) planes.set(task, makePlane(task));
  return planes.get(task);
}

/** The last ShampooStats as a table: one row per block. */
function statsTable(s: ShampooStats): string {
  const fmt = (xs: readonly (number | null)[], f: (x: number) => string) => xs.map((x) => (x === null ? '–' : f(x))).join(', ');
  const rows = Object.entries(s.blocks).map(([key, b]) =>
    `<tr><td>${key}</td><td>[${b.shape.join(', ')}]</td><td>${fmt(b.condition, (c) => c.toExponential(2))}</td><td>${b.conditionSource.filter(Boolean).join(', ')}</td>` +
    `<td>${fmt(b.age, String)}</td><td>${b.refreshes}</td><td>${b.failures}</td><td>${b.fallbacks}</td><td>${b.rootMs.toFixed(1)}</td></tr>`);
  return `<tr><th>block</th><th>shape</th><th>condition</th><th>source</th><th>age</th><th>refreshes</th><th>failures</th><th>fallbacks</th><th>root ms</th></tr>${rows.join('')}`;
}

let stopRequested = false;

async function train(): Promise<void> {
  const trainButton = $<HTMLButtonElement>('train');
  const stopButton = $<HTMLButtonElement>('stop');
  trainButton.disabled = true;
  stopButton.disabled = false;
  stopRequested = false;
  api.status = 'running';
  api.error = null;
  try {
    const backend = await startBackend($<HTMLSelectElement>('backend').value as 'webgpu' | 'wasm');
    const config = readConfig(backend.name === 'webgpu' ? 'async' : 'sync');
    if (config.optimizers.length === 0) throw new RangeError('pick at least one optimizer');
    setStatus(`training on ${backend.name}…`);
    const conditions = new Map<string, number[]>();
    const result = await runSession(config, (runs, t) => {
      const stats = runs.find((r) => r.name === 'shampoo')?.stats;
      for (const [key, b] of Object.entries(stats?.blocks ?? {})) {
        b.condition.forEach((c, dim) => {
          const name = `${key}/${dim}`;
          if (!conditions.has(name)) conditions.set(name, []);
          const list = conditions.get(name)!;
          while (list.length < t - 1) list.push(NaN);
          list.push(c ?? NaN);
        });
      }
      draw(runs, t, config.task, conditions);
      setStatus(`training on ${backend.name}: step ${t} / ${config.steps}`);
    }, () => stopRequested);
    api.result = result;
    api.status = 'done';
    setStatus(`${result.stopped ? 'stopped' : 'done'} on ${backend.name}: ${result.runs.map((r) => `${OPTIMIZER_LABELS[r.name]} ${r.losses[0]?.toExponential(2)} → ${r.losses.at(-1)?.toExponential(2)}`).join(', ')}`);
  } catch (e) {
    api.status = 'error';
    api.error = (e as Error).message;
    setStatus(`error: ${(e as Error).message}`);
    console.error(e);
  } finally {
    trainButton.disabled = false;
    stopButton.disabled = true;
  }
}

$('train').addEventListener('click', () => void train());
$('stop').addEventListener('click', () => (stopRequested = true));
$<HTMLSelectElement>('backend').value = 'gpu' in navigator ? 'webgpu' : 'wasm';
api.status = 'idle';
setStatus('ready: pick a task, optimizers and a backend, then Train');
