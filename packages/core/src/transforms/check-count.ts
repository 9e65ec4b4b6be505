/** The `count` of a counting state, or a `TypeError` saying the state is not one. */
export function checkCount(owner: string, state: unknown): number {
  const c = (state as { count?: unknown } | null)?.count;
  if (typeof c !== 'number' || !Number.isInteger(c) || c < 0) {
    throw new TypeError(`${owner}: the state's count is ${String(c)}; allowed: an integer >= 0 (build the state with init)`);
  }
  return c;
}
