/**
 * Tables, figure and JSON of a time-to-target protocol run (train/protocol.ts), shared
 * by the `mnist`, `lm`, `transformer` and `autoencoder` suites.
 */
import { formatNumber, formatTable } from '../lib/table.js';
import { machineInfo } from '../lib/results.js';
import { optimizerLabel } from '../train/optimizers.js';
import type { ProtocolOptions, ProtocolResult, Spread } from '../train/protocol.js';
import { summaryRow, SUMMARY_HEADERS } from '../train/summary.js';
import { seedBandPlot } from './seed-band-plot.js';
import { formatBytes } from './format-bytes.js';

/** "0.52 [0.48, 0.57]" or "-" when some seed missed the target. */
export function formatSpread(s: Spread | null): string {
  return s === null ? '-' : `${formatNumber(s.mean)} [${formatNumber(s.min)}, ${formatNumber(s.max)}]`;
}

/** The tables as text: grid, seeds, ratios, step time and state. */
export function protocolTables(o: ProtocolOptions, r: ProtocolResult): string {
  const grid = formatTable(
    ['optimizer', 'lr', 'steps to target', 'seconds to target', 'test loss at stop'],
    r.grid.map((g) => [
      optimizerLabel(g.optimizer) + (g.lr === r.chosenLr[g.optimizer] ? (r.edgeLr.includes(g.optimizer) ? ' * (edge of the grid)' : ' *') : ''),
      g.lr,
      g.summary.stepsToTarget ?? `not reached (${g.summary.steps})`,
      g.summary.secondsToTarget,
      g.summary.finalTestLoss,
    ]),
  );
  const seeds = formatTable(
    ['seed', ...SUMMARY_HEADERS],
    r.runs.map((run) => [String(run.seed), ...summaryRow(run.summary)]),
  );
  const base = optimizerLabel(o.baseline);
  const ratios = formatTable(
    ['optimizer', 'lr', `steps-to-target / ${base}`, `seconds-to-target / ${base}`, 'interleaved step ms', 'optimizer state'],
    r.ratios.map((x) => [
      optimizerLabel(x.optimizer) + (r.edgeLr.includes(x.optimizer) ? ' (lr at grid edge)' : ''),
      r.chosenLr[x.optimizer] ?? null,
      formatSpread(x.stepsRatio),
      formatSpread(x.secondsRatio),
      r.stepMs[x.optimizer] ?? null,
      formatBytes(r.runs.find((run) => run.optimizer === x.optimizer)?.summary.stateBytes ?? 0),
    ]),
  );
  return [
    `learning-rate grid [${r.lrGrid.join(', ')}] on seed ${o.tuneSeed} (* = chosen):`,
    grid,
    '',
    `seeds ${o.seeds.join(', ')} with the chosen learning rates (target test loss ${formatNumber(r.targetLoss)}; seconds to target = steps x interleaved mean step):`,
    seeds,
    '',
    `${o.schedule} learning rate; ratios over ${o.seeds.length} seed(s): mean [min, max]`,
    ratios,
    ...(r.edgeLr.length > 0 ? ['', `warning: the best lr of ${r.edgeLr.map(optimizerLabel).join(', ')} is on an edge of the grid; widen it (--lrs) before trusting the ratios`] : []),
  ].join('\n');
}

/** The files a protocol suite writes: <suite>.json and <suite>.svg. */
export function protocolFiles(suite: string, title: string, command: string, o: ProtocolOptions, r: ProtocolResult, extra: object): Record<string, string> {
  const { progress: _p, log: _l, train: _tr, test: _te, model, ...settings } = o;
  const json = {
    suite,
    command,
    machine: machineInfo(),
    model: { name: model.name, description: model.description },
    settings,
    ...extra,
    schedule: o.schedule,
    lrGrid: r.lrGrid,
    targetLoss: r.targetLoss,
    chosenLr: r.chosenLr,
    edgeLr: r.edgeLr,
    stepMs: r.stepMs,
    ratios: r.ratios,
    grid: r.grid,
    runs: r.runs,
  };
  return {
    [`${suite}.json`]: JSON.stringify(json, null, 1) + '\n',
    [`${suite}.svg`]: seedBandPlot(`${title}, ${o.schedule} lr, ${o.seeds.length} seed(s)`, r.runs, o.optimizers, r.stepMs, r.targetLoss),
  };
}
