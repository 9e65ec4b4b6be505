/** The delay line: a submission of step t is due at step t + delay and at no other; each one not handed over is dropped once. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { delayLine } from '@shampoo-ts/shampoo/engine';

describe('delayLine', () => {
  it('over random training runs (root steps, repeated submissions, retried collects): due(t) is the latest submission of t - delay, and every other submission is dropped exactly once', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 }),
        fc.array(fc.record({ submit: fc.boolean(), resubmit: fc.boolean(), retry: fc.boolean() }), { minLength: 1, maxLength: 30 }),
        (delay, steps) => {
          const dropped: string[] = [];
          const line = delayLine<string>(delay, (s) => dropped.push(s));
          const submitted = new Map<number, string>();
          const handedOver: string[] = [];
          let id = 0;
          steps.forEach((plan, index) => {
            const t = index + 1;
            if (plan.submit) {
              const first = `s${id++}@${t}`;
              line.put(t, first);
              submitted.set(t, first);
              if (plan.resubmit) {
                const second = `s${id++}@${t}`;
                line.put(t, second);
                expect(dropped).toContain(first);
                submitted.set(t, second);
              }
            }
            const due = line.due(t);
            if (plan.retry) expect(line.due(t)).toBe(due); // a retried step sees the same submission
            expect(due).toBe(submitted.get(t - delay));
            if (due !== undefined) {
              line.done(t);
              handedOver.push(due);
            }
            // Nothing older than t - delay is kept.
            expect(line.pending().every((s) => Number(s.split('@')[1]) >= t - delay)).toBe(true);
          });
          const kept = line.pending();
          line.clear();
          expect(line.size).toBe(0);
          const all = Array.from({ length: id }, (_, k) => k);
          const fate = (s: string) => (handedOver.includes(s) ? 1 : 0) + dropped.filter((d) => d === s).length;
          for (const k of all) {
            const s = [...dropped, ...handedOver, ...kept].find((x) => x.startsWith(`s${k}@`));
            expect(s).toBeDefined();
            expect(fate(s!)).toBe(1);
          }
        },
      ),
    );
  });
});
