import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  constant,
  cosineDecay,
  exponentialDecay,
  joinSchedules,
  linear,
  piecewiseConstant,
  warmupCosineDecay,
  type Schedule,
} from '@shampoo-ts/core';
import { expectThrowsNoLeak } from './support/leaks.js';

const value = fc.double({ min: -10, max: 10, noNaN: true });
const positive = fc.double({ min: 1e-3, max: 10, noNaN: true });
const steps = fc.integer({ min: 1, max: 200 });
const count = fc.integer({ min: 0, max: 1000 });

function close(a: number, b: number, tol = 1e-12): boolean {
  return Math.abs(a - b) <= tol * (1 + Math.abs(b));
}

/** s is non-increasing (sign = -1) or non-decreasing (sign = +1) on [0, n]. */
function monotone(s: Schedule, n: number, sign: 1 | -1): boolean {
  for (let t = 0; t < n; t++) if (sign * (s(t + 1) - s(t)) < -1e-12 * (1 + Math.abs(s(t)))) return false;
  return true;
}

describe('schedules', () => {
  it('constant is constant', () => {
    fc.assert(fc.property(value, count, (v, t) => constant(v)(t) === v));
  });

  it('linear: endpoints, clipping outside the ramp, monotone towards endValue, linear in between', () => {
    fc.assert(fc.property(value, value, steps, fc.integer({ min: 0, max: 50 }), count, (a, b, n, begin, t) => {
      const s = linear({ initValue: a, endValue: b, transitionSteps: n, transitionBegin: begin });
      expect(s(0)).toBe(a);
      expect(s(begin)).toBe(a);
      expect(close(s(begin + n), b)).toBe(true);
      expect(close(s(begin + n + t), b)).toBe(true);
      expect(monotone(s, begin + n + 2, b >= a ? 1 : -1)).toBe(true);
      const mid = begin + Math.floor(n / 2);
      expect(close(s(mid), a + ((b - a) * (mid - begin)) / n, 1e-9)).toBe(true);
    }));
  });

  it('linear with transitionSteps 0 is the constant initValue', () => {
    fc.assert(fc.property(value, value, count, (a, b, t) => linear({ initValue: a, endValue: b, transitionSteps: 0 })(t) === a));
  });

  it('exponentialDecay: s(t) = init * rate^(t/n), staircase steps, endValue bound, monotone', () => {
    fc.assert(fc.property(positive, fc.double({ min: 0.1, max: 0.99, noNaN: true }), steps, count, fc.boolean(), (init, rate, n, t, stair) => {
      const s = exponentialDecay({ initValue: init, transitionSteps: n, decayRate: rate, staircase: stair });
      expect(s(0)).toBe(init);
      const p = stair ? Math.floor(t / n) : t / n;
      expect(close(s(t), init * rate ** p)).toBe(true);
      expect(monotone(s, 3 * n, -1)).toBe(true);
      if (stair) expect(s(n - 1)).toBe(init);
      const floor = init * rate ** 2;
      const bounded = exponentialDecay({ initValue: init, transitionSteps: n, decayRate: rate, endValue: floor });
      expect(bounded(t)).toBeGreaterThanOrEqual(floor);
      expect(bounded(10 * n)).toBe(floor);
    }));
  });

  it('exponentialDecay with a rate > 1 grows and is capped by endValue', () => {
    const s = exponentialDecay({ initValue: 1, transitionSteps: 10, decayRate: 2, endValue: 3, transitionBegin: 5 });
    expect(s(5)).toBe(1);
    expect(close(s(15), 2)).toBe(true);
    expect(s(100)).toBe(3);
    expect(monotone(s, 100, 1)).toBe(true);
  });

  it('cosineDecay: s(0) = init, s(n) = alpha init, constant after, monotone, half way = (1 + alpha) / 2', () => {
    fc.assert(fc.property(positive, fc.integer({ min: 2, max: 200 }).filter((n) => n % 2 === 0), fc.double({ min: 0, max: 1, noNaN: true }), count, (init, n, alpha, t) => {
      const s = cosineDecay({ initValue: init, decaySteps: n, alpha });
      expect(close(s(0), init)).toBe(true);
      expect(close(s(n), alpha * init)).toBe(true);
      expect(close(s(n + t), alpha * init)).toBe(true);
      expect(close(s(n / 2), (init * (1 + alpha)) / 2, 1e-9)).toBe(true);
      expect(monotone(s, n + 1, -1)).toBe(true);
    }));
  });

  it('warmupCosineDecay: rises linearly to the peak, then decays to endValue', () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 100 }), fc.double({ min: 0, max: 1, noNaN: true }), (init, warmup, rest, endFrac) => {
      const peak = 2;
      const end = endFrac * peak;
      const s = warmupCosineDecay({ initValue: init, peakValue: peak, warmupSteps: warmup, decaySteps: warmup + rest, endValue: end });
      expect(close(s(0), warmup === 0 ? peak : init)).toBe(true);
      expect(close(s(warmup), peak)).toBe(true);
      expect(close(s(warmup + rest), end, 1e-9)).toBe(true);
      expect(close(s(warmup + rest + 1000), end, 1e-9)).toBe(true);
      expect(monotone(s, warmup, 1)).toBe(true);
      const tail: Schedule = (t) => s(t + warmup);
      expect(monotone(tail, rest + 5, -1)).toBe(true);
    }));
  });

  it('piecewiseConstant multiplies by each scale from its boundary on', () => {
    fc.assert(fc.property(positive, fc.uniqueArray(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 4 }), fc.array(fc.double({ min: 0, max: 2, noNaN: true }), { minLength: 4, maxLength: 4 }), count, (init, bounds, scales, t) => {
      const table: Record<number, number> = {};
      bounds.forEach((b, i) => (table[b] = scales[i]));
      const s = piecewiseConstant(init, table);
      let expected = init;
      for (const b of [...bounds].sort((x, y) => x - y)) if (t >= b) expected *= table[b];
      expect(close(s(t), expected)).toBe(true);
      const b0 = Math.min(...bounds);
      expect(s(b0 - 1)).toBe(init);
      expect(close(s(b0), init * table[b0])).toBe(true);
    }));
  });

  it('joinSchedules switches at each boundary and restarts the next schedule at count 0', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 3 }), count, (raw, t) => {
      const bounds = [...raw].sort((a, b) => a - b);
      const parts: Schedule[] = [...bounds, 0].map((_, i) => (k: number) => 1000 * i + k);
      const s = joinSchedules(parts, bounds);
      let i = 0;
      while (i < bounds.length && t >= bounds[i]) i++;
      expect(s(t)).toBe(1000 * i + (i === 0 ? t : t - bounds[i - 1]));
      bounds.forEach((b, j) => expect(s(b)).toBe(1000 * (j + 1)));
    }));
  });

  it('rejects bad arguments, naming the parameter, the value and the range', () => {
    expectThrowsNoLeak(() => linear({ initValue: 1, endValue: 0, transitionSteps: -1 }), /linear: transitionSteps = -1/, /0 <= transitionSteps/);
    expectThrowsNoLeak(() => constant(Number.POSITIVE_INFINITY), /constant: value = Infinity/, /finite/);
    expectThrowsNoLeak(() => exponentialDecay({ initValue: 1, transitionSteps: 10, decayRate: 0 }), /decayRate = 0/, /0 < decayRate/);
    expectThrowsNoLeak(() => cosineDecay({ initValue: 1, decaySteps: 0 }), /decaySteps = 0/, /0 < decaySteps/);
    expectThrowsNoLeak(() => cosineDecay({ initValue: 1, decaySteps: 10, alpha: 1.5 }), /alpha = 1.5/, /0 <= alpha <= 1/);
    expectThrowsNoLeak(() => warmupCosineDecay({ initValue: 0, peakValue: 1, warmupSteps: 10, decaySteps: 10 }), /decaySteps = 10/, /10 < decaySteps/);
    expectThrowsNoLeak(() => piecewiseConstant(1, { 10: -0.5 }), /scale at boundary 10 = -0.5/, /0 <=/);
    expectThrowsNoLeak(() => joinSchedules([constant(1), constant(2)], []), /boundaries has length 0/, /1/);
    expectThrowsNoLeak(() => joinSchedules([constant(1), constant(2), constant(3)], [10, 5]), /boundaries\[1\] = 5/, /10 <=/);
    expectThrowsNoLeak(() => linear({ initValue: 1, endValue: 0, transitionSteps: 5, transitonBegin: 3 } as never), /unknown option 'transitonBegin'/);
  });
});
