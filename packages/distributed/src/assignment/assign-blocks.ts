/**
 * Block assignment by greedy longest-processing-time (LPT), as in the reference's
 * data-parallel distributor: sort the blocks by cost, largest first (equal costs: lower
 * block index first), and give each block to the owner with the smallest load so far
 * (equal loads: lower owner index). The result depends only on the costs and the number
 * of owners, so every rank computes the same assignment without communicating.
 *
 * Guarantee (Graham 1969): the heaviest owner's load is at most (4/3 - 1/(3m)) times the
 * optimal makespan over all assignments to m owners, and at most
 * (total - c) / m + c <= (2 - 1/m) * max(max_b cost_b, total / m), where c is the cost of
 * the last block given to the heaviest owner.
 */
import { checkNumber, invalidType } from '@shampoo-ts/core/authoring';
import { bytesCost, type CostModel } from './cost-model.js';

/** Which owner (rank) holds each block, and the resulting loads. */
export interface BlockAssignment {
  /** Number of owners m. */
  readonly numOwners: number;
  /** owners[b]: the owner of block b, in 0..m-1. */
  readonly owners: readonly number[];
  /** blocksByOwner[r]: the blocks owned by r, in increasing block index. */
  readonly blocksByOwner: readonly (readonly number[])[];
  /** loads[r]: the sum of the costs of r's blocks, added in assignment order. */
  readonly loads: readonly number[];
  /** costs[b]: the cost of block b that the assignment used. */
  readonly costs: readonly number[];
}

const OWNER = 'assignBlocks';

/** LPT order: block indices by decreasing cost, equal costs by increasing index. */
export function lptOrder(costs: readonly number[]): number[] {
  return costs.map((_, b) => b).sort((a, b) => costs[b] - costs[a] || a - b);
}

/**
 * Greedy LPT assignment of blocks with the given costs to `numOwners` owners.
 * Each cost must be finite and >= 0; `numOwners` a positive integer.
 */
export function assignBlocksByCost(costs: readonly number[], numOwners: number): BlockAssignment {
  checkNumber(OWNER, 'numOwners', numOwners, { min: 1, integer: true });
  if (!Array.isArray(costs)) invalidType(OWNER, 'costs', costs, 'an array of finite numbers >= 0');
  costs.forEach((c, b) => checkNumber(OWNER, `costs[${b}]`, c, { min: 0 }));

  const owners = new Array<number>(costs.length);
  const loads = new Array<number>(numOwners).fill(0);
  for (const b of lptOrder(costs)) {
    let best = 0;
    for (let r = 1; r < numOwners; r++) if (loads[r] < loads[best]) best = r;
    owners[b] = best;
    loads[best] += costs[b];
  }
  const blocksByOwner: number[][] = Array.from({ length: numOwners }, () => []);
  owners.forEach((r, b) => blocksByOwner[r].push(b));
  return { numOwners, owners, blocksByOwner, loads, costs: [...costs] };
}

/**
 * Assigns blocks of the given shapes to `numOwners` owners by LPT on `costModel`
 * (default: bytes of a float32 block rounded up to 64).
 */
export function assignBlocks(
  blockShapes: readonly (readonly number[])[],
  numOwners: number,
  costModel: CostModel = bytesCost(),
): BlockAssignment {
  if (!Array.isArray(blockShapes)) invalidType(OWNER, 'blockShapes', blockShapes, 'an array of block shapes');
  return assignBlocksByCost(blockShapes.map((shape) => costModel(shape)), numOwners);
}
