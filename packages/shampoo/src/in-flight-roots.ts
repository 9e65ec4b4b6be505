/**
 * Roots in flight belong to the state. An executor with delay d > 0 installs the roots of
 * the factors read at root step s at step s + d; in between, the only copy of that work
 * would live inside the executor, and a checkpoint taken then, loaded into a fresh
 * optimizer, would never install those roots. So each block's state keeps the inputs of
 * its submissions still in flight, in d slots (submission s in slot s mod d; two root
 * steps less than d apart never share a slot):
 *
 *   inFlight[j] = { step: s, factors: [F_0, F_1, ...], previous: [X_0, X_1, ...] }
 *
 * with one factor and one previous root/eigenbasis per root request of the block, in the
 * order of the variant's rootRequests (step 0: an empty slot, holding clones of the
 * block's current tensors so that its structure never changes). The tensors are `tf.clone`s
 * of the ones submitted, so they share their memory: the state grows by the factors of
 * the submissions in flight only.
 *
 * At step t, before collecting the submission of step t - d, the engine makes every
 * submission in the state (steps t - d .. t - 1) that the executor does not hold exactly (a
 * fresh executor after loading, or one that last saw another run) again from its slot, with
 * the specs the variant gives for its step: the roots depend only on those inputs, so they
 * are bit for bit the ones the uninterrupted run installs. Making them all at once gives an
 * asynchronous executor time to read those due later. "Exactly the inputs"
 * is decided without reading any data: a tensor and its clones share one `dataId`, and
 * tensors with other data never do.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { StateValue } from '@shampoo-ts/core';
import type { RootExecutor, RootRequest } from './executors/root-executor.js';
import { invalidParameter } from './validate.js';

/** One slot: the inputs of the root submission made at `step` (0: empty). */
export interface InFlightRoots {
  readonly [key: string]: StateValue;
  readonly step: number;
  readonly factors: readonly tf.Tensor[];
  readonly previous: readonly tf.Tensor[];
}

/** A slot holding clones of `requests`' tensors, marked as submitted at `step` (0: empty). */
function slotOf(step: number, requests: readonly RootRequest[]): InFlightRoots {
  return { step, factors: requests.map((r) => tf.clone(r.factor)), previous: requests.map((r) => tf.clone(r.previous)) };
}

/** The d empty slots of a new block; `current` are its root requests (for the shapes). */
export function emptyInFlight(delay: number, current: readonly RootRequest[]): InFlightRoots[] {
  return Array.from({ length: delay }, () => slotOf(0, current));
}

/**
 * The slots after step `step`: the submission of this step (its requests, if it is a root
 * step) in slot step mod d, the submissions still in flight (s + d > step) kept, every
 * other slot emptied to clones of the block's `current` tensors.
 */
export function nextInFlight(
  slots: readonly InFlightRoots[],
  step: number,
  submitted: readonly RootRequest[] | null,
  current: readonly RootRequest[],
): InFlightRoots[] {
  const d = slots.length;
  return slots.map((slot, j) => {
    if (submitted !== null && j === step % d) return slotOf(step, submitted);
    if (slot.step > 0 && slot.step + d > step) return slot;
    return slotOf(0, current);
  });
}

/** The requests of a slot's submission: the slot's tensors with the specs of `specs` (same order). */
export function slotRequests(slot: InFlightRoots, specs: readonly RootRequest[]): RootRequest[] {
  return specs.map((r, i) => ({ spec: r.spec, factor: slot.factors[i], previous: slot.previous[i] }));
}

/**
 * Before step `step` collects: every submission of the state's slots (steps step - d ..
 * step - 1, oldest first) that the executor does not hold exactly is submitted again, with
 * the slots' tensors and the specs `specsAt(s)` gives for its step s (see the module comment).
 * With `everyBlock` (the default) every block must hold every submission; false (staggered
 * refresh) lets a submission hold only the blocks that refreshed on its step.
 */
export function resubmitInFlight(
  owner: string,
  executor: RootExecutor,
  submitted: SubmissionTracker,
  step: number,
  blocks: readonly { readonly key: string; readonly slots: readonly InFlightRoots[]; readonly specsAt: (s: number) => readonly RootRequest[] }[],
  everyBlock = true,
): void {
  const d = executor.delay;
  for (let s = Math.max(1, step - d); s < step; s++) {
    const inState = blocks.filter((b) => b.slots[s % d].step === s);
    if (inState.length === 0) continue;
    // One submission holds every block's requests (unless the refresh is staggered): the blocks agree on what is in flight.
    const odd = everyBlock ? blocks.find((b) => b.slots[s % d].step !== s) : undefined;
    if (odd !== undefined) {
      invalidParameter(owner, `state.blocks['${odd.key}'].inFlight[${s % d}].step`, odd.slots[s % d].step, `${s}, as in block '${inState[0].key}' (one root submission covers every block)`);
    }
    const again = inState.flatMap((b) => slotRequests(b.slots[s % d], b.specsAt(s)));
    if (!submitted.holds(s, again)) {
      executor.submit(s, again);
      submitted.record(s, again);
    }
  }
}

/**
 * Checks a block's slots against the step count of its state: d slots, each with one
 * factor and one previous tensor per root request (of their shapes), and a step that is 0
 * or a step s in (stateStep - d, stateStep] with s mod d = its index.
 */
export function checkInFlight(owner: string, key: string, slots: unknown, delay: number, stateStep: number, current: readonly RootRequest[]): readonly InFlightRoots[] {
  const name = `state.blocks['${key}'].inFlight`;
  if (!Array.isArray(slots) || slots.length !== delay) {
    invalidParameter(owner, name, Array.isArray(slots) ? `${slots.length} slots` : slots, `${delay} slots, one per step of the root executor's delay (a state built by init with this executor)`);
  }
  slots.forEach((slot: InFlightRoots, j) => {
    const s = slot?.step;
    const ok = s === 0 || (Number.isInteger(s) && s > stateStep - delay && s <= stateStep && s % delay === j);
    if (!ok) {
      invalidParameter(owner, `${name}[${j}].step`, s, `0, or a step s with ${stateStep - delay} < s <= ${stateStep} (the state's step) and s mod ${delay} = ${j}`);
    }
    const shapesOk = (list: unknown, pick: (r: RootRequest) => tf.Tensor) =>
      Array.isArray(list) && list.length === current.length && list.every((t, i) => t instanceof tf.Tensor && tf.util.arraysEqual(t.shape, pick(current[i]).shape));
    if (!shapesOk(slot.factors, (r) => r.factor) || !shapesOk(slot.previous, (r) => r.previous)) {
      invalidParameter(owner, `${name}[${j}]`, 'other tensors', `one factor and one previous tensor per root request of the block, of their shapes`);
    }
  });
  return slots as readonly InFlightRoots[];
}

/**
 * What an executor holds: for each submitted step, the data ids of the tensors it was given
 * (factor and previous of every request, in order). A submission whose tensors share these
 * ids has exactly the same inputs.
 */
export interface SubmissionTracker {
  record(step: number, requests: readonly RootRequest[]): void;
  holds(step: number, requests: readonly RootRequest[]): boolean;
  /** Forgets every submission up to `step` (collected, or never to be collected). */
  forgetThrough(step: number): void;
}

/** A new, empty tracker. */
export function submissionTracker(): SubmissionTracker {
  const held = new Map<number, readonly object[]>();
  const ids = (requests: readonly RootRequest[]) => requests.flatMap((r) => [r.factor.dataId, r.previous.dataId]);
  return {
    record(step, requests) {
      held.set(step, ids(requests));
    },
    holds(step, requests) {
      const got = held.get(step);
      const want = ids(requests);
      return got !== undefined && got.length === want.length && got.every((id, i) => id === want[i]);
    },
    forgetThrough(step) {
      for (const s of [...held.keys()]) if (s <= step) held.delete(s);
    },
  };
}
