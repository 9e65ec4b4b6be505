/**
 * Tables, figure and JSON of a time-to-target protocol run (train/protocol.ts), shared
 * by the `mnist` and `lm` suites.
 */
import { formatNumber, formatTable } from '../lib/table.js';
import { machineInfo } from '../lib/results.js';
import { optimizerLabel } from '../train/optimizers.js';
import type { ProtocolOptions, ProtocolResult, Spread } from '../train/protocol.js';
import { summaryRow, SUMMARY_HEADERS } from '../train/summary.js';
import { curvesPlot } from './curves-plot.js';

/** "0.52 [0.48, 0.57]" or "-" when some seed missed the target. */
export function formatSpread(s: Spread | null): string {
  return s === null ? '-' : `${formatNumber(s.mean)} [${formatNumber(s.min)}, ${formatNumber(s.max)}]`;
}

/** The three tables as text: grid, seeds, ratios. */
export function protocolTables(o: ProtocolOptions, r: ProtocolResult): string {
  const grid = formatTable(
    ['optimizer', 'lr', 'steps to target', 'seconds to target', 'test loss at stop'],
    r.grid.map((g) => [
      optimizerLabel(g.optimizer) + (g.lr === r.chosenLr[g.optimizer] ? ' *' : ''),
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
  const ratios = formatTable(
    ['optimizer', `steps-to-target / ${optimizerLabel(o.baseline)}`, `seconds-to-target / ${optimizerLabel(o.baseline)}`],
    r.ratios.map((x) => [optimizerLabel(x.optimizer), formatSpread(x.stepsRatio), formatSpread(x.secondsRatio)]),
  );
  return [
    `learning-rate grid on seed ${o.tuneSeed} (* = chosen):`,
    grid,
    '',
    `seeds ${o.seeds.join(', ')} with the chosen learning rates (target test loss ${o.targetLoss}; seconds are training time):`,
    seeds,
    '',
    `ratios over ${o.seeds.length} seed(s): mean [min, max]`,
    ratios,
  ].join('\n');
}

/** The files a protocol suite writes: <suite>.json and <suite>.svg. */
export function protocolFiles(suite: string, title: string, command: string, o: ProtocolOptions, r: ProtocolResult, extra: object): Record<string, string> {
  const firstSeed = r.runs.filter((x) => x.seed === o.seeds[0]).map((x) => x.curve);
  const { progress: _p, log: _l, train: _tr, test: _te, model, ...settings } = o;
  const json = {
    suite,
    command,
    machine: machineInfo(),
    model: { name: model.name, description: model.description },
    settings,
    ...extra,
    chosenLr: r.chosenLr,
    ratios: r.ratios,
    grid: r.grid,
    runs: r.runs,
  };
  return {
    [`${suite}.json`]: JSON.stringify(json, null, 1) + '\n',
    [`${suite}.svg`]: curvesPlot(`${title}, seed ${o.seeds[0]}`, firstSeed, o.targetLoss),
  };
}
