/**
 * Data-parallel Distributed Shampoo (docs/algorithms.md#data-parallel) as a gradient transformation:
 * a drop-in replacement for scaleByShampoo on each rank of a communicator.
 *
 * One step on rank r of N, with the block plan (every parameter blocked on every rank,
 * blocks assigned to ranks by greedy LPT, see block-plan.ts):
 *   1. g <- allReduce(g_r, mean): the gradients averaged over ranks, summed in rank order
 *      (one allReduce for all parameters; skipped with averageGradients: false);
 *   2. for the blocks r owns only: statistics, roots, grafting, filtered gradient, weight
 *      decay and momentum, by the block engine that scaleByShampoo runs on every block
 *      (so r keeps optimizer state for its blocks only);
 *   3. one allGather shares every rank's block directions (float32, or float16/bfloat16);
 *   4. every rank assembles all blocks into the full direction P.
 * In float32, P is bitwise the P of scaleByShampoo on one rank given the averaged
 * gradients: each block gets the same computation, wherever it runs. With float16/bfloat16
 * every direction value is rounded once (relative error <= 2^-11 / 2^-8), the same way on
 * every rank, so the ranks stay identical to each other.
 *
 * The glue between parameter leaves and blocks (splitting, the missing-gradient rule, the
 * init of the blocks, reassembly) is scaleByShampoo's (leaf-blocks.ts of @shampoo-ts/shampoo);
 * this file adds the distribution. The block plan is the parameters' (the gradients' when
 * update gets no params), so a gradient tree that lacks a leaf steps the other blocks on their
 * owners and leaves that leaf's blocks untouched, as scaleByShampoo does.
 *
 * init is a collective too: the ranks compare options, parameter shapes, block assignment
 * and world size, and all throw the same error if they differ. If one rank's step fails,
 * every rank throws (the failure travels in the all-gather), and no state changes.
 * State: { rank, size, shampoo: scaleByShampoo's state for this rank's blocks }.
 */
import * as tf from '@tensorflow/tfjs-core';
import { leavesWithPaths, type GradientTransformation, type StateValue, type TensorTree } from '@shampoo-ts/core';
import { checkBoolean, checkKnownOptions, checkNumber, invalidParameter, invalidType, ownTensors, tensorsIn, tidyState } from '@shampoo-ts/core/authoring';
import { type ShampooOptions, type ShampooState } from '@shampoo-ts/shampoo';
import {
  assembleLeafBlocks, checkShampooState, initLeafBlocks, keepUnsteppedBlocks, leafShapes, leavesToTree, planBlockInputs, shampooBlockEngine, stepLeafInputs,
} from '@shampoo-ts/shampoo/engine';
import type { Communicator } from '../comm/communicator.js';
import type { CostModel } from '../assignment/cost-model.js';
import { blockPlan, type BlockPlan } from './block-plan.js';
import { decodeDirections, encodeDirections, encodeFailure, fnv1a, STATUS_FAILED, type CommunicationDtype } from './direction-codec.js';
import { checkRanksAgree, describeValue } from './handshake.js';

/** How the optimizer is spread over the ranks. */
export interface DistributionOptions {
  /** The group of ranks (single process, worker threads, MPI). */
  communicator: Communicator;
  /** Dtype of the direction all-gather (default 'float32', exact). */
  communicationDtype?: CommunicationDtype;
  /** Cost of a block for the assignment (default bytesCost(): float32 bytes rounded up to 64). */
  costModel?: CostModel;
  /** Average the gradients over ranks before the step (default true). */
  averageGradients?: boolean;
  /** The number of ranks this program expects; checked against the communicator on every rank. */
  worldSize?: number;
}

/** State of distributedScaleByShampoo on one rank. */
export interface DistributedShampooState {
  readonly [key: string]: StateValue;
  readonly rank: number;
  readonly size: number;
  /** scaleByShampoo's state for this rank's blocks only, keyed `<path>#<block>`. */
  readonly shampoo: ShampooState;
}

const OWNER = 'distributedScaleByShampoo';
const DTYPES: readonly CommunicationDtype[] = ['float32', 'float16', 'bfloat16'];

function checkCommunicator(comm: unknown): Communicator {
  const c = comm as Partial<Communicator> | null;
  if (c === null || typeof c !== 'object' || typeof c.allGather !== 'function' || typeof c.allReduce !== 'function' || typeof c.rank !== 'number' || typeof c.size !== 'number') {
    invalidType(OWNER, 'communicator', comm, 'a Communicator (singleProcessCommunicator(), threadCommunicator(...), mpiCommunicator())');
  }
  return c as Communicator;
}

/** The values of `tensors`, back to back, with ONE synchronous read (float32). */
function readAll(tensors: readonly tf.Tensor[]): Float32Array {
  if (tensors.length === 0) return new Float32Array(0);
  const flat = tf.tidy(() => tf.concat(tensors.map((t) => tf.reshape(tf.cast(t, 'float32'), [-1]))));
  const values = flat.dataSync() as Float32Array;
  flat.dispose();
  return values;
}

/** Averages every leaf over the ranks with one allReduce (leaves in tree order). */
function averageOverRanks(comm: Communicator, grads: readonly (readonly [string, tf.Tensor])[]): tf.Tensor[] {
  const mean = comm.allReduce(readAll(grads.map(([, g]) => g)), 'mean');
  let offset = 0;
  return grads.map(([, g]) => {
    const t = tf.tensor(mean.subarray(offset, offset + g.size), g.shape, 'float32');
    offset += g.size;
    return t;
  });
}

/** The Shampoo step spread over the ranks of `distribution.communicator` (see the module comment). */
export function distributedScaleByShampoo(options: ShampooOptions = {}, distribution: DistributionOptions): GradientTransformation<DistributedShampooState> {
  checkKnownOptions(OWNER, distribution, ['communicator', 'communicationDtype', 'costModel', 'averageGradients', 'worldSize']);
  if (distribution === undefined) invalidType(OWNER, 'distribution', distribution, '{ communicator, ... }');
  const comm = checkCommunicator(distribution.communicator);
  const dtype = distribution.communicationDtype ?? 'float32';
  if (!DTYPES.includes(dtype)) {
    invalidParameter(OWNER, 'communicationDtype', dtype, "'float32', 'float16' or 'bfloat16'");
  }
  const average = checkBoolean(OWNER, 'averageGradients', distribution.averageGradients ?? true);
  const worldSize = distribution.worldSize === undefined ? undefined : checkNumber(OWNER, 'worldSize', distribution.worldSize, { min: 1, integer: true });
  if (distribution.costModel !== undefined && typeof distribution.costModel !== 'function') {
    invalidType(OWNER, 'costModel', distribution.costModel, 'a function (blockShape) => cost');
  }
  const engine = shampooBlockEngine(options, OWNER);

  const plans = new Map<string, BlockPlan>();
  const planOf = (parameters: readonly (readonly [string, readonly number[]])[]): BlockPlan => {
    const signature = JSON.stringify(parameters);
    let plan = plans.get(signature);
    if (!plan) {
      plan = blockPlan(engine, parameters, comm.size, distribution.costModel);
      plans.set(signature, plan);
    }
    return plan;
  };
  return {
    init(params: TensorTree): DistributedShampooState {
      const parameters = leafShapes(params);
      const plan = planOf(parameters);
      checkRanksAgree(
        OWNER,
        comm,
        {
          options: describeValue(options),
          communicationDtype: dtype,
          averageGradients: average,
          parameters,
          owners: plan.assignment.owners,
        },
        worldSize,
      );
      const mine = plan.ownedKeys[comm.rank];
      const shampoo = initLeafBlocks(engine, plan.leaves, (key) => mine.has(key));
      return { rank: comm.rank, size: comm.size, shampoo };
    },

    update(updates: TensorTree, state: DistributedShampooState, params?: TensorTree): [TensorTree, DistributedShampooState] {
      if (state === null || typeof state !== 'object' || state.rank !== comm.rank || state.size !== comm.size) {
        const got = state && typeof state === 'object' ? `rank ${String(state.rank)} of ${String(state.size)}` : String(state);
        throw new RangeError(`${OWNER}: state = ${got} is not allowed; allowed: the state that init built on this rank (rank ${comm.rank} of ${comm.size})`);
      }
      const gradLeaves = leavesWithPaths(updates);
      const inputs = [...tensorsIn(state), ...tensorsIn(updates), ...tensorsIn(params ?? null)];
      const step = (state.shampoo?.step ?? 0) + 1;
      // The plan is the parameters' when given, so that it does not change with a missing gradient leaf.
      const present = leafShapes(updates);
      const parameters = params === undefined ? present : leafShapes(params);
      const signature = JSON.stringify(present);
      const planHash = fnv1a(JSON.stringify([present, parameters]));
      const result = tidyState((): { out: TensorTree; shampoo: ShampooState } => {
        let innerState: ShampooState | undefined;
        // 1. Gradients averaged over ranks (a length mismatch fails on every rank).
        const grads = average ? averageOverRanks(comm, gradLeaves) : gradLeaves.map(([, g]) => g);
        // 2. This rank's blocks. Nothing here may skip the all-gather below: a failure
        //    travels in it, so that every rank stops at the same point.
        let plan: BlockPlan | undefined;
        let message: Uint8Array;
        try {
          const previous = checkShampooState(OWNER, 'state.shampoo', state.shampoo);
          const leaves = stepLeafInputs(OWNER, engine, leavesToTree(updates, grads), params);
          plan = planOf(parameters);
          const mine = plan.ownedKeys[comm.rank];
          const blocks = planBlockInputs(OWNER, engine, plan.leaves, leaves, (key) => mine.has(key));
          const { directions, state: next } = engine.step(blocks, previous);
          innerState = keepUnsteppedBlocks(previous, next);
          message = encodeDirections(readAll(directions), dtype, planHash);
        } catch (error) {
          message = encodeFailure(STATUS_FAILED, (error as Error)?.message ?? String(error), planHash);
        }
        // 3. One all-gather of every rank's directions (or failure).
        const gathered = comm.allGather(message).map((m) => decodeDirections(m, dtype));
        const failed = gathered.findIndex((g) => !g.ok);
        if (failed >= 0) {
          const g = gathered[failed] as { status: number; message: string };
          const what = g.status === STATUS_FAILED ? 'failed' : 'could not encode its directions';
          throw new Error(`${OWNER}: rank ${failed} of ${comm.size} ${what} at step ${step}: ${g.message}; no rank changed its state`);
        }
        const otherPlan = gathered.findIndex((g) => g.planHash !== planHash);
        if (otherPlan >= 0) {
          throw new Error(`${OWNER}: at step ${step} rank ${otherPlan} has other parameter shapes than rank ${comm.rank} (${signature}); every rank must pass gradients of the same shapes; no rank changed its state`);
        }
        // 4. Every block's direction (each rank sent its blocks of the step's leaves in plan order), assembled per leaf.
        const done = plan!;
        const stepped = new Set(present.map(([path]) => path));
        const directionByKey = new Map<string, tf.Tensor>();
        gathered.forEach((g, r) => {
          const values = (g as { values: Float32Array }).values;
          let offset = 0;
          for (const b of done.assignment.blocksByOwner[r]) {
            const blk = done.blocks[b];
            if (!stepped.has(blk.path)) continue;
            directionByKey.set(blk.info.key, tf.tensor(values.subarray(offset, offset + blk.elements), [...blk.info.shape], 'float32'));
            offset += blk.elements;
          }
        });
        const leafByPath = new Map(done.leaves.map((leaf) => [leaf.path, leaf]));
        const out = leavesToTree(updates, assembleLeafBlocks(present.map(([path]) => leafByPath.get(path)!), (info) => directionByKey.get(info.key)!));
        return { out, shampoo: innerState! };
      });
      const owned = ownTensors(result, inputs);
      return [owned.out, { rank: comm.rank, size: comm.size, shampoo: owned.shampoo }];
    },
  };
}
