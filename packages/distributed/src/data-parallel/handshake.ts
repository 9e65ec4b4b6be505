/**
 * The start-up check of data-parallel training: every rank describes its configuration
 * (options, parameter shapes, block assignment, world size) as JSON, one all-gather shares
 * the descriptions, and every rank compares them. Since every rank sees the same
 * descriptions, a mismatch makes every rank throw the same error at the same point,
 * instead of some ranks hanging in a collective the others never reach.
 */
import type { Communicator } from '../comm/communicator.js';

/** What every rank must agree on (plus the rank and world size it sees). */
export interface RankDescription {
  readonly rank: number;
  readonly size: number;
  /** The world size this rank was told to expect, or null. */
  readonly expected: number | null;
  readonly common: unknown;
}

/**
 * JSON-safe description of an options object: functions become `function <name>`,
 * non-finite numbers strings, class instances their enumerable fields.
 */
export function describeValue(value: unknown): unknown {
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (value === undefined) return 'undefined';
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(describeValue);
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = describeValue((value as Record<string, unknown>)[key]);
  return out;
}

/** The first path at which two JSON values differ, with both values as text. */
function firstDifference(a: unknown, b: unknown, path: string): { path: string; a: string; b: string } | undefined {
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      if (d) return d;
    }
    return undefined;
  }
  const ja = JSON.stringify(a) ?? 'missing';
  const jb = JSON.stringify(b) ?? 'missing';
  return ja === jb ? undefined : { path, a: ja, b: jb };
}

/**
 * Shares `common` between all ranks and throws the same Error on every rank if the ranks
 * disagree on it, on the world size, or on `expectedWorldSize`.
 */
export function checkRanksAgree(owner: string, comm: Communicator, common: unknown, expectedWorldSize?: number): void {
  const mine: RankDescription = { rank: comm.rank, size: comm.size, expected: expectedWorldSize ?? null, common };
  const all = comm.allGather(new TextEncoder().encode(JSON.stringify(mine))).map((b) => JSON.parse(new TextDecoder().decode(b)) as RankDescription);
  const fail = (what: string): never => {
    throw new Error(`${owner}: the ranks disagree: ${what}; every rank must run the same program with the same options, parameters and world size`);
  };
  const sizes = all.map((d) => d.size);
  if (sizes.some((s) => s !== all.length)) {
    fail(`the communicator has ${all.length} ranks but they report world sizes [${sizes.join(', ')}]`);
  }
  const ranks = all.map((d) => d.rank);
  if (ranks.some((r, i) => r !== i)) fail(`the ranks report rank numbers [${ranks.join(', ')}] instead of 0..${all.length - 1}`);
  const expected = all.map((d) => d.expected);
  if (expected.some((e) => e !== null && e !== all.length)) {
    fail(`worldSize is [${expected.map((e) => (e === null ? 'unset' : String(e))).join(', ')}] on ranks 0..${all.length - 1} but the communicator has ${all.length} ranks`);
  }
  for (let r = 1; r < all.length; r++) {
    const d = firstDifference(all[0].common, all[r].common, '');
    if (d) fail(`${d.path || 'the configuration'} is ${d.a} on rank 0 but ${d.b} on rank ${r}`);
  }
}
