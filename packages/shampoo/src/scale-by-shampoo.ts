/**
 * scaleByShampoo: the Distributed Shampoo step of algorithm.md section 3 as a pure
 * gradient transformation. Its output is the search direction P (after weight decay and
 * momentum, before the learning rate); `shampoo(...)` chains it with the learning rate.
 *
 * Per parameter (blocked as in section 2), per block, at step t (from 1):
 *   G = g (+ wd W for 'l2' weight decay)
 *   statistics (variant): F_k <- beta2 F_k + w G_(k) G_(k)^T on factor-update steps (every
 *     step by default; steps 1, k + 1, ... for factorUpdateFrequency k); grafting: v <- beta2 v + w G^2
 *   root step (t == start, or t > start and t % frequency == 0): every factor's root (or
 *     eigenbasis) through the RootExecutor, in one batch for all blocks; a failure keeps
 *     the previous root and counts, past numToleratedFailedAmortizedComputations it throws;
 *     NaN/Inf throws at once
 *   filtered gradient (beta1 > 0): m <- beta1 m + (1 - beta1) G;
 *     D = (beta3 == beta1 ? m : beta3 m_old + (1 - beta3) G) / (1 - beta3 beta1^(t-1))
 *   P = grafting direction if t < start (with grafting), else the variant's preconditioned D,
 *     rescaled to the grafting norm: P <- P ||P_graft||_F / (||P||_F + 1e-16)
 *   P <- P + alpha W  (alpha = wd | wd lr / peakLr | wd / peakLr for decoupled | corrected | independent)
 *   momentum: M <- mu M + (1 - d) P; P <- nesterov ? (1 - d) P + mu M : M
 *
 * State: { step, blocks: { '<parameter path>#<block index>': BlockState } } (plain data,
 * keyed by path). Ownership: inputs are never disposed; every returned tensor is new or a
 * tf.clone.
 */
import * as tf from '@tensorflow/tfjs-core';
import { leavesWithPaths, tensorsIn, type GradientTransformation, type StateValue, type TensorTree, treeMap } from '@shampoo-ts/core';
import { invalidParameter } from './validate.js';
import { assembleBlocks, blockLayout, splitBlocks, type BlockLayout } from './blocking/layout.js';
import { resolveShampooConfig, type ShampooConfig, type ShampooOptions } from './config.js';
import { blockExponents } from './exponents.js';
import { resolveRootExecutor } from './executor-choice.js';
import type { RootRequest } from './root-executor.js';
import { acceptRootResults, groupRootResults } from './root-results.js';
import { classicMomentum, filteredGradient, matchGraftingNorm } from './direction-steps.js';
import { emaBiasCorrection, factorUpdateCount, isFactorUpdateStep, isRootStep } from './step-schedule.js';
import { makeVariant } from './variants/index.js';
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
}

/** The state of scaleByShampoo. */
export interface ShampooState {
  readonly [key: string]: StateValue;
  readonly step: number;
  readonly blocks: { readonly [blockKey: string]: BlockState };
}

const OWNER = 'scaleByShampoo';

/** `<parameter path>#<block index>`. */
export function blockKey(path: string, index: number): string {
  return `${path}#${index}`;
}

/** The decoupled weight-decay coefficient alpha of section 3 step 7 (0 for 'l2'). */
export function decoupledWeightDecay(config: ShampooConfig): number {
  const { weightDecay: wd, weightDecayType: type, lr, peakLr } = config;
  if (wd === 0 || type === 'l2') return 0;
  if (type === 'decoupled') return wd;
  if (type === 'corrected') return (wd * lr) / peakLr;
  return wd / peakLr;
}

/** Replaces every tensor of `x` that is in `taken` (or seen before in `x`) by its tf.clone. */
function own<T>(x: T, taken: Set<tf.Tensor>): T {
  const visit = (node: unknown): unknown => {
    if (node instanceof tf.Tensor) {
      if (taken.has(node)) return tf.clone(node);
      taken.add(node);
      return node;
    }
    if (Array.isArray(node)) return node.map(visit);
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) out[k] = visit(v);
      return out;
    }
    return node;
  };
  return visit(x) as T;
}

/** The Shampoo step as a transform (see the module comment). */
export function scaleByShampoo(options: ShampooOptions = {}): GradientTransformation<ShampooState> {
  const config = resolveShampooConfig(options);
  const variant = makeVariant(config);
  const executor = resolveRootExecutor(options.rootExecutor, OWNER);
  const warn = options.onWarning ?? ((message: string) => console.warn(message));
  if (variant.rootKind !== null && !executor.kinds.includes(variant.rootKind)) {
    invalidParameter(OWNER, 'rootExecutor', executor.name, `an executor that runs '${variant.rootKind}' tasks (preconditioner ${variant.name})`);
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
  const infoOf = (path: string, layout: BlockLayout, i: number): BlockInfo => {
    const shape = layout.blocks[i].size;
    return { key: blockKey(path, i), shape, exponents: blockExponents(shape.length, config.inverseExponentOverride) };
  };
  const alpha = decoupledWeightDecay(config);
  const needParams = config.weightDecay > 0;

  return {
    init(params: TensorTree): ShampooState {
      executor.prepare?.();
      return tf.tidy(() => {
        const blocks: Record<string, BlockState> = {};
        for (const [path, p] of leavesWithPaths(params)) {
          const layout = layoutOf(p.shape);
          layout.blocks.forEach((_, i) => {
            const info = infoOf(path, layout, i);
            blocks[info.key] = {
              preconditioner: variant.init(info),
              failures: 0,
              graft: config.grafting ? config.grafting.init(info.shape) : null,
              filtered: config.beta1 > 0 ? tf.zeros([...info.shape]) : null,
              momentum: config.momentum ? tf.zeros([...info.shape]) : null,
            };
          });
        }
        return { step: 0, blocks } as unknown as tf.TensorContainer;
      }) as unknown as ShampooState;
    },

    update(updates: TensorTree, state: ShampooState, params?: TensorTree): [TensorTree, ShampooState] {
      if (state === null || typeof state !== 'object' || typeof state.step !== 'number' || typeof state.blocks !== 'object') {
        invalidParameter(OWNER, 'state', state, "the state built by this transform's init");
      }
      if (needParams && params === undefined) {
        invalidParameter(OWNER, 'params', params, `the parameters, since weightDecay = ${config.weightDecay} > 0`);
      }
      const step = state.step + 1;
      const start = config.startPreconditioningStep;
      const rootStep = variant.rootKind !== null && isRootStep(step, start, config.preconditionFrequency);
      const graftOnly = config.grafting !== null && step < start;
      const bc2 = emaBiasCorrection(config.beta2, step, config.useBiasCorrection);
      const factorStep = isFactorUpdateStep(step, config.factorUpdateFrequency);
      // The factors' own bias correction counts their updates (= bc2 with factorUpdateFrequency 1).
      const bcFactors = emaBiasCorrection(config.beta2, factorUpdateCount(step, config.factorUpdateFrequency), config.useBiasCorrection);
      const bc1 = config.useBiasCorrection && config.beta1 > 0 ? 1 - config.beta3 * config.beta1 ** (step - 1) : 1;
      const paramByPath = new Map(params === undefined ? [] : leavesWithPaths(params));
      const grads = leavesWithPaths(updates);
      const inputs = new Set<tf.Tensor>([...tensorsIn(state), ...grads.map(([, g]) => g), ...paramByPath.values()]);

      const result = tf.tidy(() => {
        interface Work {
          info: BlockInfo;
          old: BlockState;
          g: tf.Tensor;
          w: tf.Tensor | null;
          pre: VariantState;
          graft: tf.Tensor | null;
          filtered: tf.Tensor | null;
          direction: tf.Tensor;
        }
        const perLeaf: Array<{ path: string; layout: BlockLayout; work: Work[]; g: tf.Tensor }> = [];
        const requests: RootRequest[] = [];
        // Pass 1: statistics, grafting state, filtered gradient, root requests.
        for (const [path, g] of grads) {
          const layout = layoutOf(g.shape);
          const w = paramByPath.get(path);
          if (needParams) {
            if (!w) invalidParameter(OWNER, `params at '${path}'`, w, 'a tensor of the shape of the update');
            if (!tf.util.arraysEqual(w.shape, g.shape)) invalidParameter(OWNER, `params at '${path}' shape`, w.shape, `[${g.shape.join(',')}] (the update's shape)`);
          }
          const gBlocks = splitBlocks(g, layout);
          const wBlocks = needParams && w ? splitBlocks(w, layout) : null;
          const work: Work[] = gBlocks.map((gb, i) => {
            const info = infoOf(path, layout, i);
            const old = state.blocks[info.key];
            if (!old || typeof old !== 'object') {
              invalidParameter(OWNER, `state.blocks['${info.key}']`, old, `the block state built by init for a parameter of shape [${g.shape.join(',')}]`);
            }
            const wb = wBlocks ? wBlocks[i] : null;
            const G = config.weightDecayType === 'l2' && wb ? tf.add(gb, tf.mul(wb, config.weightDecay)) : gb;
            const pre = factorStep ? variant.updateStatistics(info, old.preconditioner, G) : old.preconditioner;
            const graft = config.grafting ? config.grafting.accumulate(old.graft, G) : null;
            const { filtered, direction } =
              config.beta1 > 0 ? filteredGradient(old.filtered as tf.Tensor, G, config.beta1, config.beta3, bc1) : { filtered: null, direction: G };
            if (rootStep) requests.push(...variant.rootRequests(info, pre, bcFactors));
            return { info, old, g: G, w: wb, pre, graft, filtered, direction };
          });
          perLeaf.push({ path, layout, work, g });
        }
        if (rootStep) executor.submit(step, requests);
        const byBlock = groupRootResults(executor.collect(step));
        // Pass 2: install roots, precondition, graft, weight decay, momentum.
        const blocks: Record<string, BlockState> = {};
        const out: TensorTree[] = [];
        for (const leaf of perLeaf) {
          if (leaf.layout.blocks.length === 0) {
            out.push(tf.clone(leaf.g));
            continue;
          }
          const directions = leaf.work.map((wk) => {
            const { info, old } = wk;
            let failures = old.failures;
            let pre = wk.pre;
            const results = byBlock.get(info.key);
            if (results) {
              const r = acceptRootResults(OWNER, info.key, results, failures, config.numToleratedFailedAmortizedComputations, step, warn);
              failures = r.failures;
              pre = variant.install(info, pre, r.accepted);
            }
            pre = variant.afterRoots(info, pre, wk.g);
            let p: tf.Tensor;
            if (graftOnly) {
              p = config.grafting!.direction(wk.graft, wk.direction, step);
            } else {
              p = variant.precondition(info, pre, wk.direction, bc2);
              if (config.grafting) p = matchGraftingNorm(p, config.grafting.direction(wk.graft, wk.direction, step));
            }
            if (alpha !== 0 && wk.w) p = tf.add(p, tf.mul(wk.w, alpha));
            let momentum: tf.Tensor | null = null;
            if (config.momentum) ({ momentum, direction: p } = classicMomentum(p, old.momentum as tf.Tensor, config.momentum));
            blocks[info.key] = { preconditioner: pre, failures, graft: wk.graft, filtered: wk.filtered, momentum };
            return p;
          });
          out.push(assembleBlocks(directions, leaf.layout));
        }
        let i = 0;
        const tree = treeMap(() => out[i++] as tf.Tensor, updates);
        return [tree, { step, blocks }] as unknown as tf.TensorContainer;
      }) as unknown as [TensorTree, ShampooState];
      return own(result, inputs);
    },
  };
}
