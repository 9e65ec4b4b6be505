/** A small dependency-free SVG line chart (log or linear axes) for the suites' plots. */

export interface Series {
  name: string;
  /** [x, y] points; non-finite or (on a log axis) non-positive values are skipped. */
  points: readonly (readonly [number, number])[];
  /** Optional shaded band [x, low, high] around the line (e.g. the spread over seeds). */
  band?: readonly (readonly [number, number, number])[];
}

export interface LineChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  logX?: boolean;
  logY?: boolean;
  /** x positions to label (default: 1-2-5 steps, or round steps on a linear axis). */
  xTicks?: readonly number[];
  width?: number;
  height?: number;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function ticks(lo: number, hi: number, log: boolean): number[] {
  if (log) {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
      for (const m of [1, 2, 5]) {
        const v = m * 10 ** e;
        if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
      }
    }
    return out;
  }
  const step = 10 ** Math.floor(Math.log10((hi - lo) / 5 || 1));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => (hi - lo) / s <= 8) ?? step * 10;
  const out: number[] = [];
  for (let v = Math.ceil(lo / nice) * nice; v <= hi + nice * 1e-9; v += nice) out.push(v);
  return out;
}

function label(v: number): string {
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < 1e5) return String(v);
  return a !== 0 && (a >= 1e5 || a < 1e-2) ? v.toExponential(0) : String(Number(v.toPrecision(3)));
}

/** The chart as an SVG document. */
export function lineChart(spec: LineChartSpec): string {
  const { title, xLabel, yLabel, series, logX = false, logY = false, xTicks, width = 720, height = 440 } = spec;
  const ok = (v: number, log: boolean): boolean => Number.isFinite(v) && (!log || v > 0);
  const pts = series.map((s) => s.points.filter(([x, y]) => ok(x, logX) && ok(y, logY)));
  const bandPoints = series.flatMap((s) => (s.band ?? []).flatMap(([x, lo, hi]) => [[x, lo], [x, hi]] as const)).filter(([x, y]) => ok(x, logX) && ok(y, logY));
  const all = [...pts.flat(), ...bandPoints];
  if (all.length === 0) throw new Error(`lineChart '${title}': no plottable points`);
  const left = 70, right = 170, top = 40, bottom = 55;
  const pw = width - left - right, ph = height - top - bottom;
  const range = (vals: number[], log: boolean): [number, number] => {
    let lo = Math.min(...vals), hi = Math.max(...vals);
    if (lo === hi) [lo, hi] = log ? [lo / 2, hi * 2] : [lo - 1, hi + 1];
    return [lo, hi];
  };
  const [x0, x1] = range(all.map((p) => p[0]), logX);
  const [y0, y1] = range(all.map((p) => p[1]), logY);
  const t = (v: number, lo: number, hi: number, log: boolean): number =>
    log ? (Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) : (v - lo) / (hi - lo);
  const sx = (x: number): number => left + t(x, x0, x1, logX) * pw;
  const sy = (y: number): number => top + (1 - t(y, y0, y1, logY)) * ph;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${left + pw / 2}" y="22" text-anchor="middle" font-size="15">${escapeXml(title)}</text>`,
  ];
  for (const v of xTicks ?? ticks(x0, x1, logX)) {
    const x = sx(v).toFixed(1);
    out.push(`<line x1="${x}" y1="${top}" x2="${x}" y2="${top + ph}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${x}" y="${top + ph + 16}" text-anchor="middle">${label(v)}</text>`);
  }
  for (const v of ticks(y0, y1, logY)) {
    const y = sy(v).toFixed(1);
    out.push(`<line x1="${left}" y1="${y}" x2="${left + pw}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${label(v)}</text>`);
  }
  out.push(`<rect x="${left}" y="${top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${left + pw / 2}" y="${height - 14}" text-anchor="middle">${escapeXml(xLabel)}</text>`);
  out.push(`<text transform="translate(18 ${top + ph / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`);
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const p = pts[i];
    const band = (s.band ?? []).filter(([x, lo, hi]) => ok(x, logX) && ok(lo, logY) && ok(hi, logY));
    if (band.length > 1) {
      const edge = [...band.map(([x, , hi]) => [x, hi]), ...[...band].reverse().map(([x, lo]) => [x, lo])];
      const d = edge.map(([x, y], k) => `${k === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
      out.push(`<path d="${d} Z" fill="${color}" fill-opacity="0.18" stroke="none"/>`);
    }
    if (p.length > 0) {
      const d = p.map(([x, y], k) => `${k === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
      for (const [x, y] of p) out.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3" fill="${color}"/>`);
    }
    const ly = top + 10 + i * 18;
    out.push(`<line x1="${left + pw + 12}" y1="${ly}" x2="${left + pw + 32}" y2="${ly}" stroke="${color}" stroke-width="2"/>`);
    out.push(`<text x="${left + pw + 38}" y="${ly}" dominant-baseline="middle">${escapeXml(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
