/**
 * Warnings of the Shampoo transforms go to `onWarning` (default: console.warn through the one
 * `consoleWarning` function, so that warnOnce can recognise it across rebuilds).
 */

/** The default onWarning. */
export const consoleWarning = (message: string): void => console.warn(message);

const reported = new WeakMap<(message: string) => void, Set<string>>();

/**
 * Calls `warn(message)` unless this `warn` already got this message: an optimizer rebuilt at
 * every step (injectHyperparams) warns once, not at every step.
 */
export function warnOnce(warn: (message: string) => void, message: string): void {
  let seen = reported.get(warn);
  if (!seen) reported.set(warn, (seen = new Set()));
  if (seen.has(message)) return;
  seen.add(message);
  warn(message);
}
