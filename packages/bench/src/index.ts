/**
 * @shampoo-ts/bench (private): the `npm run bench -- <suite>` runner, its suites and the
 * helpers they share (timing, tables, JSON results, SVG plots, the LAPACK reference).
 */
export { main, usage, type CliIo } from './cli.js';
export { SUITES } from './registry.js';
export type { BenchSuite, FlagSpec, SuiteContext, SuiteEntry } from './suite.js';
export { collectGarbage, median, timeRuns, type Timing } from './lib/stats.js';
export { formatNumber, formatTable, type Cell } from './lib/table.js';
export { machineInfo, type MachineInfo } from './lib/results.js';
export { lineChart, type LineChartSpec, type Series } from './lib/svg.js';
export { DEBIAN_PYTHON, defaultPython, runLapack, type LapackCase, type LapackInfo, type LapackOutcome } from './lib/lapack.js';
