import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { collectGarbage, formatNumber, formatTable, lineChart, median, timeRuns } from '../src/index.js';

describe('median and timeRuns', () => {
  it('known answers', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(/empty/);
  });

  it('the median has as many values at or below it as at or above it', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, min: -1e9, max: 1e9 }), { minLength: 1, maxLength: 40 }), (xs) => {
        const m = median(xs);
        expect(xs.filter((x) => x <= m).length).toBeGreaterThanOrEqual(xs.length / 2);
        expect(xs.filter((x) => x >= m).length).toBeGreaterThanOrEqual(xs.length / 2);
      }),
    );
  });

  it('calls the function warmup + runs times and reports every run', () => {
    let calls = 0;
    const t = timeRuns(() => calls++, 5, 2);
    expect(calls).toBe(7);
    expect(t.runsMs).toHaveLength(5);
    expect(t.minMs).toBeLessThanOrEqual(t.medianMs);
    expect(() => timeRuns(() => 0, 0)).toThrow(/runs must be an integer >= 1, got 0/);
  });
});

describe('collectGarbage', () => {
  it('really collects: a dropped 80 MB array is gone from the heap afterwards', () => {
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    let junk: number[][] | null = Array.from({ length: 1000 }, (_, i) => new Array(10_000).fill(i));
    expect(process.memoryUsage().heapUsed - before).toBeGreaterThan(40e6);
    junk = null;
    collectGarbage();
    expect(junk).toBeNull();
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(10e6);
  });
});

describe('formatTable', () => {
  it('formats numbers to 3 significant digits, integers as integers, null as -', () => {
    expect(formatNumber(1234.5678)).toBe('1235');
    expect(formatNumber(47.91)).toBe('47.9');
    expect(formatNumber(0.012345)).toBe('0.0123');
    expect(formatNumber(1.5e-15)).toBe('1.50e-15');
    expect(formatNumber(512)).toBe('512');
    expect(formatNumber(null)).toBe('-');
  });

  it('aligns columns: every line has the same cell boundaries', () => {
    const text = formatTable(['case', 'n', 'ms'], [['eigh', 128, 1.25], ['root', 1024, null]]);
    const lines = text.split('\n');
    expect(lines).toEqual(['case     n    ms', '----  ----  ----', 'eigh   128  1.25', 'root  1024     -']);
  });
});

describe('lineChart', () => {
  it('draws one path per series with data, a legend entry per series, and skips unplottable points', () => {
    const svg = lineChart({
      title: 'T & <x>',
      xLabel: 'n',
      yLabel: 'ms',
      logX: true,
      logY: true,
      series: [
        { name: 'a', points: [[1, 1], [10, 100]] },
        { name: 'b', points: [[1, 2], [10, -5], [100, NaN]] },
        { name: 'c', points: [] },
      ],
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(3);
    expect(svg).toContain('T &amp; &lt;x&gt;');
    for (const name of ['>a<', '>b<', '>c<']) expect(svg).toContain(name);
    expect(() => lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 'a', points: [[0, 1]] }], logX: true })).toThrow(/no plottable points/);
  });

  it('labels explicit x ticks exactly (1024, not 1.02e3 or 1020)', () => {
    const svg = lineChart({ title: 't', xLabel: 'n', yLabel: 'ms', logX: true, logY: true, xTicks: [128, 1024], series: [{ name: 'a', points: [[128, 1], [1024, 500]] }] });
    expect(svg).toContain('>1024</text>');
    expect(svg).toContain('>128</text>');
  });
});
