/**
 * Small canvas plots, no dependencies:
 * - linePlot: series y_k(t) on a linear x axis and a log10 y axis (loss curves, condition
 *   numbers), with the decade ticks labelled; non-positive or non-finite points are skipped.
 * - contourPlot: the level sets of a 2-D function as a heat map of log(1 + f) on a grid,
 *   with each run's trajectory drawn over it.
 */

export interface Series {
  readonly label: string;
  readonly color: string;
  readonly y: readonly number[];
  /** x positions of vertical tick marks drawn on this series (root refreshes). */
  readonly marks?: readonly number[];
}

/** log10 range over every positive, finite value of every series (a decade if there is none). */
export function logRange(series: readonly Series[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) for (const v of s.y) if (v > 0 && Number.isFinite(v)) {
    lo = Math.min(lo, Math.log10(v));
    hi = Math.max(hi, Math.log10(v));
  }
  if (!Number.isFinite(lo)) return [0, 1];
  return hi - lo < 1e-9 ? [lo - 0.5, hi + 0.5] : [Math.floor(lo), Math.ceil(hi)];
}

/** Draws `series` into `canvas` (see the module comment). */
export function linePlot(canvas: HTMLCanvasElement, title: string, series: readonly Series[], xMax: number): void {
  const ctx = canvas.getContext('2d')!;
  const { width: w, height: h } = canvas;
  const pad = { l: 46, r: 10, t: 22, b: 22 };
  ctx.clearRect(0, 0, w, h);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  const [lo, hi] = logRange(series);
  const X = (t: number) => pad.l + ((w - pad.l - pad.r) * t) / Math.max(1, xMax - 1);
  const Y = (v: number) => h - pad.b - ((h - pad.t - pad.b) * (Math.log10(v) - lo)) / (hi - lo);
  ctx.strokeStyle = '#ddd';
  ctx.fillStyle = '#555';
  ctx.font = '11px sans-serif';
  const every = Math.max(1, Math.ceil((hi - lo) / 6)); // at most about 7 labelled decades
  for (let d = Math.ceil(lo); d <= Math.floor(hi); d += every) {
    const y = Y(10 ** d);
    ctx.beginPath();
    ctx.moveTo(pad.l, y);
    ctx.lineTo(w - pad.r, y);
    ctx.stroke();
    ctx.fillText(`1e${d}`, 4, y + 4);
  }
  ctx.fillText(title, pad.l, 14);
  ctx.fillText(`step ${xMax}`, w - pad.r - 60, h - 6);
  series.forEach((s, k) => {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    let drawing = false;
    s.y.forEach((v, t) => {
      if (!(v > 0 && Number.isFinite(v))) {
        drawing = false;
        return;
      }
      if (drawing) ctx.lineTo(X(t), Y(v));
      else ctx.moveTo(X(t), Y(v));
      drawing = true;
    });
    ctx.stroke();
    for (const m of s.marks ?? []) {
      ctx.beginPath();
      ctx.moveTo(X(m - 1), h - pad.b);
      ctx.lineTo(X(m - 1), h - pad.b - 6);
      ctx.stroke();
    }
    ctx.fillStyle = s.color;
    ctx.fillText(s.label, w - pad.r - 120, pad.t + 12 + 13 * k);
  });
}

/** Draws the heat map of log(1 + f) over `box` and each trajectory over it. */
export function contourPlot(canvas: HTMLCanvasElement, f: (x: number, y: number) => number, box: readonly [number, number, number, number], paths: readonly { color: string; path: readonly [number, number][] }[]): void {
  const ctx = canvas.getContext('2d')!;
  const { width: w, height: h } = canvas;
  const [x0, x1, y0, y1] = box;
  const cell = 4;
  const values: number[] = [];
  for (let j = 0; j < h; j += cell) for (let i = 0; i < w; i += cell) values.push(Math.log1p(f(x0 + ((x1 - x0) * i) / w, y1 - ((y1 - y0) * j) / h)));
  const max = Math.max(...values);
  let k = 0;
  for (let j = 0; j < h; j += cell) for (let i = 0; i < w; i += cell) {
    const v = values[k++] / max;
    const band = Math.floor(v * 12) % 2 === 0 ? 0 : 12;
    ctx.fillStyle = `rgb(${235 - 90 * v + band}, ${240 - 120 * v + band}, ${250 - 40 * v})`;
    ctx.fillRect(i, j, cell, cell);
  }
  const P = ([x, y]: readonly [number, number]) => [((x - x0) / (x1 - x0)) * w, ((y1 - y) / (y1 - y0)) * h] as const;
  for (const { color, path } of paths) {
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    path.forEach((p, t) => (t === 0 ? ctx.moveTo(...P(p)) : ctx.lineTo(...P(p))));
    ctx.stroke();
    if (path.length > 0) {
      ctx.fillStyle = color;
      const [x, y] = P(path[path.length - 1]);
      ctx.fillRect(x - 3, y - 3, 6, 6);
    }
  }
}
