/**
 * The Shampoo step on a set of blocks: everything of docs/algorithms.md#shampoo-step that happens
 * per block, with the root computations of all blocks batched through one RootExecutor.
 * scaleByShampoo runs it on every block of every parameter; data-parallel Shampoo
 * (@shampoo-ts/distributed) runs it on the blocks one rank owns. A block gets the same
 * computation either way: it depends only on its BlockInfo, its gradient block, its
 * parameter block and its state.
 *
 * Per block at step t (from 1):
 *   G = g (+ wd W for 'l2' weight decay)
 *   statistics (variant): F_k <- beta2 F_k + w G_(k) G_(k)^T on factor-update steps;
 *     grafting: v <- beta2 v + w G^2. The statistics' bias correction bc2 = 1 - beta2^t (t = the
 *     number of updates) with useBiasCorrection, and bc2 = 1 with useFactorWeighting: false (w = 1)
 *   root step (t == start, or t > start and t % frequency == phase, phase 0 for every block
 *     unless staggerRoots: staggered-roots.ts): the factors' roots (or eigenbases) of the
 *     blocks refreshing, through the RootExecutor, in one batch; a failure keeps
 *     the previous root and counts, past numToleratedFailedAmortizedComputations it throws;
 *     NaN/Inf throws at once
 *   filtered gradient (beta1 > 0): m <- beta1 m + (1 - beta1) G;
 *     D = (beta3 == beta1 ? m : beta3 m_old + (1 - beta3) G) / (1 - beta3 beta1^(t-1))
 *   P = grafting direction if t < start (with grafting), else the variant's preconditioned D,
 *     rescaled to the grafting norm: P <- P ||P_graft||_F / (||P||_F + 1e-16)
 *   P <- P + alpha W  (alpha = wd | wd lr / peakLr | wd / peakLr for decoupled | corrected | independent;
 *     with iterateAveraging the decay is not added here: the averaging shrinks z instead)
 *   momentum: M <- mu M + (1 - d) P; P <- nesterov ? (1 - d) P + mu M : M
 * With `onStats`, each step ends by reporting every block's condition numbers, root ages,
 * failures and root time (stats.ts).
 * With a pipelined executor (delay d > 0) the inputs of the root submissions in flight are
 * part of each block's state (in-flight-roots.ts), so a checkpoint resumes bit for bit.
 */
import * as tf from '@tensorflow/tfjs-core';
import { shareTensor } from '@shampoo-ts/core/authoring';
import type { StateValue } from '@shampoo-ts/core';
import { invalidParameter } from './validate.js';
import { blockLayout, splitBlocks, type BlockLayout } from './blocking/layout.js';
import { resolveShampooConfig, type ShampooConfig, type ShampooOptions } from './config.js';
import { blockExponents } from './exponents.js';
import { resolveRootExecutor } from './executors/placement.js';
import type { RootRequest } from './executors/root-executor.js';
import { acceptRootResults, groupRootResults, type AcceptedRoots } from './root-results.js';
import { checkInFlight, emptyInFlight, nextInFlight, resubmitInFlight, submissionTracker } from './in-flight-roots.js';
import { classicMomentum, filteredGradient, matchGraftingNormBatch } from './direction-steps.js';
import { groupBlocksByShape, type BlockGroup } from './batched/block-groups.js';
import { groupInputs, stackGroupInputs, type GroupInputs } from './batched/group-inputs.js';
import { assembleLeaves, gatherGroup, leafPlan, type LeafPlan } from './batched/leaf-stacks.js';
import { stackBlocks, stackOrNull, unstackBlocks } from './batched/stacking.js';
import type { InFlightRoots } from './in-flight-roots.js';
import { emaBiasCorrection, factorUpdateCount, isFactorUpdateStep, isRootStep } from './step-schedule.js';
import { makeVariant } from './variants/index.js';
import { phaseCache } from './staggered-roots.js';
import { consoleWarning } from './warnings.js';
import { statsTracker } from './stats.js';
import type { BlockInfo, VariantState } from './variants/types.js';

/** The state of one block. */
export interface BlockState {
  readonly [key: string]: StateValue;
  readonly preconditioner: VariantState;
  /** Consecutive failing root steps. */
  readonly failures: number;
  readonly graft: tf.Tensor | null;
  readonly filtered: tf.Tensor | null;
  readonly momentum: tf.Tensor | null;
  // With a root executor whose delay d is > 0, also `inFlight: InFlightRoots[]`: the inputs of
  // the block's root submissions still in flight, in d slots (in-flight-roots.ts). Absent with delay 0.
}

/** The state of the engine (and of scaleByShampoo): the step count and every block's state. */
export interface ShampooState {
  readonly [key: string]: StateValue;
  readonly step: number;
  readonly blocks: { readonly [blockKey: string]: BlockState };
}

/** One block of a step: its info, its gradient block, its parameter block (null without weight decay). */
export interface BlockInput {
  readonly info: BlockInfo;
  readonly grad: tf.Tensor;
  readonly param: tf.Tensor | null;
}

/** The Shampoo step on blocks (see the module comment). */
export interface ShampooBlockEngine {
  readonly config: ShampooConfig;
  /** True if the step reads the parameters (weightDecay > 0). */
  readonly needsParams: boolean;
  /** The blocking of a parameter of this shape (cached). */
  layoutOf(shape: readonly number[]): BlockLayout;
  /** The BlockInfo of block `index` of the parameter at `path`. */
  blockInfo(path: string, layout: BlockLayout, index: number): BlockInfo;
  /**
   * The blocks of one parameter, split from its gradient (and parameter), checked: the
   * parameter must be present with the gradient's shape when weightDecay > 0. With `keep`,
   * only the blocks it returns true for are split.
   */
  blockInputs(path: string, grad: tf.Tensor, param: tf.Tensor | undefined, keep?: (key: string) => boolean): BlockInput[];
  /** The initial state of these blocks (call inside tf.tidy). */
  init(blocks: readonly BlockInfo[]): ShampooState;
  /**
   * One step on `blocks` (call inside tf.tidy): their directions, in order, and the new
   * state, which holds exactly these blocks. Throws (changing nothing the caller owns) on
   * a state that lacks a block, a NaN/Inf root or too many failed root computations.
   */
  step(blocks: readonly BlockInput[], state: ShampooState): { directions: tf.Tensor[]; state: ShampooState };
  /**
   * step on every block of whole parameters (call inside tf.tidy): each leaf's direction in
   * its own shape (a clone of the gradient for a leaf without blocks) and the new state.
   * The blocks are cut and assembled per group of one shape (batched/leaf-stacks.ts), so
   * no per-block tensor is made for the gradients, parameters or directions.
   */
  stepLeaves(leaves: readonly LeafInput[], state: ShampooState): { updates: tf.Tensor[]; state: ShampooState };
}

/** One parameter of a step: its path, its gradient and its parameter (needed only with weight decay). */
export interface LeafInput {
  readonly path: string;
  readonly grad: tf.Tensor;
  readonly param?: tf.Tensor | null;
}

/** `<parameter path>#<block index>`. */
export function blockKey(path: string, index: number): string {
  return `${path}#${index}`;
}

/**
 * The decoupled weight-decay coefficient alpha (docs/algorithms.md#weight-decay):
 *   alpha = 0 ('l2' or wd = 0) | wd ('decoupled') | wd lr / peakLr ('corrected') | wd / peakLr ('independent').
 */
export function decoupledWeightDecay(config: Pick<ShampooConfig, 'weightDecay' | 'weightDecayType' | 'lr' | 'peakLr'>): number {
  const { weightDecay: wd, weightDecayType: type, lr, peakLr } = config;
  if (wd === 0 || type === 'l2') return 0;
  if (type === 'decoupled') return wd;
  if (peakLr === null) invalidParameter('decoupledWeightDecay', 'peakLr', peakLr, `a number > 0 with weightDecayType '${type}'`);
  if (type === 'corrected') return (wd * lr) / peakLr;
  return wd / peakLr;
}

/** How the engine runs its blocks (internal; the default is the one to use). */
export interface BlockEngineMode {
  /**
   * true (default): blocks of one shape run as one group on stacked tensors; false: every
   * block alone through the per-block variant steps (the oracle of the batching tests).
   */
  readonly batchBlocks?: boolean;
}

/** Builds the block engine; `owner` names the transform in error messages. */
export function shampooBlockEngine(options: ShampooOptions, owner: string, mode: BlockEngineMode = {}): ShampooBlockEngine {
  const batchBlocks = mode.batchBlocks ?? true;
  const config = resolveShampooConfig(options);
  const variant = makeVariant(config);
  const executor = resolveRootExecutor(options.rootExecutor, owner);
  const warn = options.onWarning ?? consoleWarning;
  if (variant.rootKind !== null && !executor.kinds.includes(variant.rootKind)) {
    invalidParameter(owner, 'rootExecutor', executor.name, `an executor that runs '${variant.rootKind}' tasks (preconditioner ${variant.name})`);
  }
  const layouts = new Map<string, BlockLayout>();
  const layoutOf = (shape: readonly number[]): BlockLayout => {
    const k = shape.join(',');
    let l = layouts.get(k);
    if (!l) {
      l = blockLayout(shape, config.maxPreconditionerDim, config.targetParameterDimensionality);
      layouts.set(k, l);
    }
    return l;
  };
  const blockInfo = (path: string, layout: BlockLayout, index: number): BlockInfo => {
    const shape = layout.blocks[index].size;
    return { key: blockKey(path, index), shape, exponents: blockExponents(shape.length, config.inverseExponentOverride) };
  };
  // With iterate averaging the decoupled decay shrinks z in the averaging step (iterate-averaging.ts).
  const alpha = config.iterateAveraging === null ? decoupledWeightDecay(config) : 0;
  const needsParams = config.weightDecay > 0 && (config.weightDecayType === 'l2' || alpha !== 0);
  // Without the factor weighting the statistics are no EMA, so they get no bias correction (the reference).
  const correctStatistics = config.useBiasCorrection && config.useFactorWeighting;
  // The factors' own bias correction at a step counts their updates (= bc2 with factorUpdateFrequency 1).
  const factorBiasCorrection = (step: number) =>
    emaBiasCorrection(config.beta2, factorUpdateCount(step, config.factorUpdateFrequency), correctStatistics);
  /** Slots for roots in flight: the executor's delay (read when used: 'auto' decides at init). */
  const inFlightSlots = () => (variant.rootKind === null ? 0 : executor.delay);
  const submitted = submissionTracker();
  // onStats: running counts per block, reported after each step (stats.ts).
  const tracker = options.onStats ? statsTracker() : null;
  const stagger = config.staggerRoots && variant.rootKind !== null ? phaseCache(config.preconditionFrequency) : null;

  /**
   * The step on groups of blocks (see the module comment): `infos` are the step's blocks in
   * order, each run one group with its stacked inputs; returns each group's [B, ...] stack of
   * directions and the new state.
   */
  const runGroups = (infos: readonly BlockInfo[], runs: readonly { group: BlockGroup; inputs: GroupInputs }[], state: ShampooState): { outputs: tf.Tensor[]; state: ShampooState } => {
      const step = state.step + 1;
      const start = config.startPreconditioningStep;
      // Each block's phase (0 unless staggered: staggered-roots.ts); a root step when any block refreshes.
      const phases = stagger ? stagger.of(infos) : null;
      const refreshes = (i: number) => variant.rootKind !== null && isRootStep(step, start, config.preconditionFrequency, phases ? phases[i] : 0);
      const rootStep = phases ? infos.some((_, i) => refreshes(i)) : refreshes(0);
      const graftOnly = config.grafting !== null && step < start;
      const bc2 = emaBiasCorrection(config.beta2, step, correctStatistics);
      const factorStep = isFactorUpdateStep(step, config.factorUpdateFrequency);
      const bcFactors = factorBiasCorrection(step);
      const delay = inFlightSlots();
      const bc1 = config.useBiasCorrection && config.beta1 > 0 ? 1 - config.beta3 * config.beta1 ** (step - 1) : 1;
      const olds = infos.map((info) => {
        const old = state.blocks[info.key];
        if (!old || typeof old !== 'object') {
          invalidParameter(owner, `state.blocks['${info.key}']`, old, `the block state built by init for a block of shape [${info.shape.join(',')}]`);
        }
        return old;
      });

      // Pass 1, per group of blocks of one shape, on [B, ...] stacks: statistics, grafting
      // state, filtered gradient; per block: root requests, roots in flight.
      const requests: RootRequest[] = [];
      const pre: VariantState[] = new Array(infos.length);
      const own: (RootRequest[] | null)[] = new Array(infos.length).fill(null);
      const inFlight: (readonly InFlightRoots[] | null)[] = new Array(infos.length).fill(null);
      const groups = runs.map(({ group, inputs: stack }) => {
        const old = group.members.map((i) => olds[i]);
        const batched = variant.batched?.supports(group.shape) ? variant.batched : undefined;
        const members = group.members.map((i) => infos[i]);
        if (factorStep) {
          const states = old.map((o) => o.preconditioner);
          const next = batched?.updateStatistics
            ? batched.updateStatistics(members, states, stack.G)
            : members.map((info, b) => variant.updateStatistics(info, states[b], stack.blockG()[b]));
          group.members.forEach((i, b) => (pre[i] = next[b]));
        } else {
          group.members.forEach((i, b) => (pre[i] = old[b].preconditioner));
        }
        const graft = config.grafting ? config.grafting.accumulate(stackOrNull(old.map((o) => o.graft)), stack.G) : null;
        const { filtered, direction } =
          config.beta1 > 0 ? filteredGradient(stackBlocks(old.map((o) => o.filtered as tf.Tensor)), stack.G, config.beta1, config.beta3, bc1) : { filtered: null, direction: stack.G };
        return { group, infos: members, old, stack, batched, graft, filtered, direction };
      });
      infos.forEach((info, i) => {
        own[i] = refreshes(i) ? variant.rootRequests(info, pre[i], bcFactors) : null;
        if (own[i]) requests.push(...own[i]!);
        if (delay > 0) inFlight[i] = checkInFlight(owner, info.key, olds[i].inFlight, delay, state.step, variant.rootRequests(info, olds[i].preconditioner, 1));
      });
      const rootStart = tracker ? performance.now() : 0;
      if (delay > 0) {
        const inState = infos.map((info, i) => ({ key: info.key, slots: inFlight[i]!, specsAt: (s: number) => variant.rootRequests(info, olds[i].preconditioner, factorBiasCorrection(s)) }));
        resubmitInFlight(owner, executor, submitted, step, inState, phases === null);
      }
      if (rootStep) {
        executor.submit(step, requests);
        submitted.record(step, requests);
      }
      const byBlock = groupRootResults(executor.collect(step));
      const rootMs = tracker ? performance.now() - rootStart : 0;
      submitted.forgetThrough(step - delay);

      // Pass 2: install roots (per block); precondition, graft, weight decay, momentum (per group).
      const next: Record<string, BlockState> = {};
      // What each block installed, for the tracker once the step can no longer throw.
      const seen: [BlockInfo, AcceptedRoots | null][] = [];
      const outputs: tf.Tensor[] = [];
      for (const { group, infos, old, stack, batched, graft, filtered, direction } of groups) {
        const states = group.members.map((i, b) => {
          let failures = old[b].failures;
          let p = pre[i];
          const results = byBlock.get(infos[b].key);
          const r = results ? acceptRootResults(owner, infos[b].key, results, failures, config.numToleratedFailedAmortizedComputations, step, warn) : null;
          if (r) {
            failures = r.failures;
            p = variant.install(infos[b], p, r.accepted);
          }
          if (tracker) seen.push([infos[b], r]);
          return { failures, preconditioner: variant.afterRoots(infos[b], p, stack.blockG()[b]) };
        });
        let p: tf.Tensor;
        if (graftOnly) {
          p = config.grafting!.direction(graft, direction, step);
        } else {
          const pres = states.map((s) => s.preconditioner);
          p = batched?.precondition
            ? batched.precondition(infos, pres, direction, bc2)
            : stackBlocks(unstackBlocks(direction).map((d, b) => variant.precondition(infos[b], pres[b], d, bc2)));
          if (config.grafting) p = matchGraftingNormBatch(p, config.grafting.direction(graft, direction, step));
        }
        if (alpha !== 0 && stack.W) p = tf.add(p, tf.mul(stack.W, alpha));
        let momentum: tf.Tensor | null = null;
        if (config.momentum) ({ momentum, direction: p } = classicMomentum(p, stackBlocks(old.map((o) => o.momentum as tf.Tensor)), config.momentum));
        outputs.push(p);
        const [grafts, filters, momenta] = [graft, filtered, momentum].map((x) => (x === null ? null : unstackBlocks(x)));
        group.members.forEach((i, b) => {
          const block: BlockState = { preconditioner: states[b].preconditioner, failures: states[b].failures, graft: grafts ? grafts[b] : null, filtered: filters ? filters[b] : null, momentum: momenta ? momenta[b] : null };
          next[infos[b].key] = inFlight[i] ? { ...block, inFlight: nextInFlight(inFlight[i]!, step, own[i], variant.rootRequests(infos[b], block.preconditioner, 1)) } : block;
        });
      }
      if (tracker) {
        for (const [info, r] of seen) tracker.record(info, step - delay, r);
        options.onStats!(tracker.report(step, rootStep, rootMs, infos, infos.map((info) => next[info.key].failures)));
      }
      return { outputs, state: { step, blocks: next } };
  };
  const l2 = config.weightDecayType === 'l2' ? config.weightDecay : 0;
  const plans = new Map<string, LeafPlan>();

  /** The parameter must be present with the gradient's shape when the step reads it. */
  const checkParam = (path: string, grad: tf.Tensor, param: tf.Tensor | null | undefined): void => {
    if (!needsParams) return;
    if (!param) invalidParameter(owner, `params at '${path}'`, param, 'a tensor of the shape of the update');
    if (!tf.util.arraysEqual(param.shape, grad.shape)) invalidParameter(owner, `params at '${path}' shape`, param.shape, `[${grad.shape.join(',')}] (the update's shape)`);
  };

  return {
    config,
    needsParams,
    layoutOf,
    blockInfo,

    blockInputs(path, grad, param, keep) {
      checkParam(path, grad, param);
      const layout = layoutOf(grad.shape);
      const infos = layout.blocks.map((_, i) => blockInfo(path, layout, i));
      const kept = keep ? infos.filter((info) => keep(info.key)) : infos;
      if (kept.length === 0) return [];
      const all = kept.length === infos.length;
      const gBlocks = splitBlocks(grad, layout);
      const wBlocks = needsParams ? splitBlocks(param!, layout) : null;
      return infos.flatMap((info, i) => (all || keep!(info.key) ? [{ info, grad: gBlocks[i], param: wBlocks ? wBlocks[i] : null }] : []));
    },

    init(blocks) {
      executor.prepare?.();
      const delay = inFlightSlots();
      const state: Record<string, BlockState> = {};
      for (const info of blocks) {
        const preconditioner = variant.init(info);
        state[info.key] = {
          preconditioner,
          failures: 0,
          graft: config.grafting ? config.grafting.init(info.shape) : null,
          filtered: config.beta1 > 0 ? tf.zeros([...info.shape]) : null,
          momentum: config.momentum ? tf.zeros([...info.shape]) : null,
          ...(delay > 0 ? { inFlight: emptyInFlight(delay, variant.rootRequests(info, preconditioner, 1)) } : {}),
        };
      }
      return { step: 0, blocks: state };
    },

    step(blocks, state) {
      const infos = blocks.map((b) => b.info);
      const groups = groupBlocksByShape(infos, batchBlocks);
      const runs = groups.map((group) => ({ group, inputs: stackGroupInputs(group.members.map((i) => blocks[i]), l2) }));
      const { outputs, state: next } = runGroups(infos, runs, state);
      const directions: tf.Tensor[] = new Array(blocks.length);
      groups.forEach((g, k) => unstackBlocks(outputs[k]).forEach((d, b) => (directions[g.members[b]] = d)));
      return { directions, state: next };
    },

    stepLeaves(leaves, state) {
      const layouts = leaves.map(({ path, grad, param }) => {
        checkParam(path, grad, param);
        return layoutOf(grad.shape);
      });
      const infos = leaves.flatMap(({ path }, l) => layouts[l].blocks.map((_, i) => blockInfo(path, layouts[l], i)));
      const key = `${batchBlocks}:${layouts.map((l) => l.shape.join('x')).join('|')}`;
      const groups = groupBlocksByShape(infos, batchBlocks);
      let plan = plans.get(key);
      if (!plan) plans.set(key, (plan = leafPlan(layouts, groups)));
      // Each leaf flattened once for the gathers of all its groups.
      const grads = leaves.map((x) => shareTensor(x.grad, [-1]));
      const params = needsParams ? leaves.map((x) => shareTensor(x.param!, [-1])) : null;
      const runs = groups.map((group, g) => ({
        group,
        inputs: groupInputs(gatherGroup(plan!, g, group.shape, grads), params ? gatherGroup(plan!, g, group.shape, params) : null, l2, null),
      }));
      const { outputs, state: next } = runGroups(infos, runs, state);
      const updates = infos.length === 0 ? leaves.map(() => null) : assembleLeaves(plan, outputs, layouts);
      return { updates: updates.map((u, l) => u ?? tf.clone(leaves[l].grad)), state: next };
    },
  };
}
