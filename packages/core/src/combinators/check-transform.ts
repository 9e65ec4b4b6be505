import type { GradientTransformation } from '../transform.js';

/** Throws a `TypeError` naming `what` unless `tx` has `init` and `update` functions. */
export function checkTransform(owner: string, what: string, tx: unknown): GradientTransformation<any> {
  const t = tx as Partial<GradientTransformation> | null | undefined;
  if (t === null || typeof t !== 'object' || typeof t.init !== 'function' || typeof t.update !== 'function') {
    throw new TypeError(`${owner}: ${what} is ${t === null ? 'null' : typeof t}; allowed: a GradientTransformation { init, update }`);
  }
  return t as GradientTransformation<any>;
}
