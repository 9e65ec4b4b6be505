/**
 * The variants of the ablation (suites/ablation.ts): the bench's Shampoo (train/optimizers.ts:
 * Adam grafting, betas [0.9, 0.999], epsilon 1e-12, the workload's preconditionFrequency f
 * and block size), then one option changed at a time:
 *   frequency     preconditionFrequency 1, 5, 20, 100 (start = the frequency)
 *   beta2         betas[1] 0.95, 0.99, 0.999, 1 (1 = a sum, AdaGrad-like factors)
 *   epsilon       1e-10, 1e-8, 1e-6
 *   grafting      Adam, RMSprop, AdaGrad, none (none: Shampoo's own step size, lr not retuned)
 *   exponent      inverseExponentOverride {2: 1/2} (each factor ^-1/2), {2: {1: 0}} and
 *                 {2: {0: 0}} (one side of each matrix block only)
 *   block         maxPreconditionerDim b/4, b/2, 2b, 4b for the default's b (64, 128, 512, 1024 for 256)
 *   start         startPreconditioningStep 2f, 5f (grafting alone before it)
 *   variant       eigenvalue-corrected (SOAP's preconditioner) with the full eigendecomposition
 *                 and with one warm-started QR step
 *   fresh-roots   the roots of issue 15 item 5, all starting at step f as the default does
 *                 (frequency 1 above starts at step 1, on a factor of one gradient): roots
 *                 every step (full eigendecomposition, the price to beat); warm-started
 *                 (eigendecomposed Shampoo, one QR step from the previous basis) every step
 *                 and every f; staggerRoots every f and every 5; pipelined roots every step
 *                 (one step late), read asynchronously on the training thread or computed on
 *                 one worker thread.
 * A value equal to the default's is left out (the default row is that value).
 */
import { adagradGrafting, rmspropGrafting } from '@shampoo-ts/grafting';
import { hostRootExecutor, type ShampooOptions } from '@shampoo-ts/shampoo';
import type { RootWorkerPool } from '@shampoo-ts/distributed';

/** What a variant's options may need at run time: a worker pool of n threads, shared and closed by the run. */
export interface VariantContext {
  pool(workers: number): RootWorkerPool;
}

export interface AblationVariant {
  /** Stable id (the --variants flag). */
  readonly name: string;
  readonly group: string;
  /** The option changed, as text. */
  readonly change: string;
  /** Options over the default Shampoo's, made anew for every learner. */
  readonly overrides: (ctx: VariantContext) => Partial<ShampooOptions>;
}

/** The workload defaults the variants start from. */
export interface AblationBase {
  readonly preconditionFrequency: number;
  readonly maxPreconditionerDim: number;
}

/** Every variant for this base (see the module comment), the default first. */
export function ablationVariants(base: AblationBase): AblationVariant[] {
  const f = base.preconditionFrequency;
  const v = (group: string, name: string, change: string, overrides: AblationVariant['overrides']): AblationVariant => ({ name, group, change, overrides });
  const fixed = (o: Partial<ShampooOptions>) => () => o;
  const out: AblationVariant[] = [v('default', 'default', `preconditionFrequency ${f}, betas [0.9, 0.999], epsilon 1e-12, Adam grafting, block ${base.maxPreconditionerDim}`, fixed({}))];
  for (const k of [1, 5, 20, 100].filter((k) => k !== f)) out.push(v('frequency', `frequency-${k}`, `preconditionFrequency ${k}`, fixed({ preconditionFrequency: k })));
  for (const b of [0.95, 0.99, 1]) out.push(v('beta2', `beta2-${b}`, `betas [0.9, ${b}]`, fixed({ betas: [0.9, b] })));
  for (const e of [1e-10, 1e-8, 1e-6]) out.push(v('epsilon', `epsilon-${e}`, `epsilon ${e}`, fixed({ epsilon: e })));
  out.push(v('grafting', 'grafting-rmsprop', 'RMSprop grafting (beta2 0.999, eps 1e-8)', () => ({ grafting: rmspropGrafting({ beta2: 0.999, epsilon: 1e-8 }) })));
  out.push(v('grafting', 'grafting-adagrad', 'AdaGrad grafting (eps 1e-8)', () => ({ grafting: adagradGrafting({ epsilon: 1e-8 }) })));
  out.push(v('grafting', 'grafting-none', 'no grafting', fixed({ grafting: null })));
  out.push(v('exponent', 'exponent-half', 'inverseExponentOverride {2: 1/2}', fixed({ inverseExponentOverride: { 2: 0.5 } })));
  out.push(v('exponent', 'exponent-left-only', 'inverseExponentOverride {2: {1: 0}} (rows only)', fixed({ inverseExponentOverride: { 2: { 1: 0 } } })));
  out.push(v('exponent', 'exponent-right-only', 'inverseExponentOverride {2: {0: 0}} (columns only)', fixed({ inverseExponentOverride: { 2: { 0: 0 } } })));
  const b = base.maxPreconditionerDim;
  for (const d of [b / 4, b / 2, 2 * b, 4 * b].filter((d) => Number.isInteger(d) && d >= 1)) out.push(v('block', `block-${d}`, `maxPreconditionerDim ${d}`, fixed({ maxPreconditionerDim: d })));
  for (const m of [2, 5]) out.push(v('start', `start-${m * f}`, `startPreconditioningStep ${m * f}`, fixed({ startPreconditioningStep: m * f })));
  out.push(v('variant', 'eigenvalue-corrected', "preconditioner eigenvalue-corrected (eigh)", fixed({ preconditioner: { type: 'eigenvalue-corrected' } })));
  out.push(v('variant', 'eigenvalue-corrected-qr', "preconditioner eigenvalue-corrected, eigenbasis 'qr' (1 step)", fixed({ preconditioner: { type: 'eigenvalue-corrected', eigenbasis: 'qr' } })));
  // Fresh roots start where the default does (step f), so only the refresh differs from it.
  const from = { startPreconditioningStep: f };
  const warm = { type: 'eigendecomposed', eigenbasis: 'qr', qrSteps: 1 } as const;
  const every1 = { ...from, preconditionFrequency: 1 };
  const at = `preconditionFrequency 1 from step ${f}`;
  out.push(v('fresh-roots', `every-1-from-${f}`, at, fixed(every1)));
  out.push(v('fresh-roots', 'warm-qr-every-1', `eigendecomposed, eigenbasis 'qr' (1 warm-started step), ${at}`, fixed({ ...every1, preconditioner: warm })));
  if (f !== 1) out.push(v('fresh-roots', `warm-qr-every-${f}`, `eigendecomposed, eigenbasis 'qr' (1 warm-started step), preconditionFrequency ${f}`, fixed({ preconditioner: warm })));
  if (f !== 1) out.push(v('fresh-roots', `stagger-every-${f}`, `staggerRoots, preconditionFrequency ${f}`, fixed({ staggerRoots: true })));
  if (f !== 5) out.push(v('fresh-roots', 'stagger-every-5', `staggerRoots, preconditionFrequency 5 from step ${Math.max(f, 5)}`, fixed({ staggerRoots: true, preconditionFrequency: 5, startPreconditioningStep: Math.max(f, 5) })));
  out.push(v('fresh-roots', 'async-every-1', `hostRootExecutor({ read: 'async' }) (roots 1 step late), ${at}`, () => ({ ...every1, rootExecutor: hostRootExecutor({ read: 'async' }) })));
  out.push(v('fresh-roots', 'worker-every-1', `hostRootExecutor({ runner: 1-worker pool, delay 1 }), ${at}`, (ctx) => ({ ...every1, rootExecutor: hostRootExecutor({ runner: ctx.pool(1), delay: 1 }) })));
  return out;
}

/** The variants named in `names` (all when undefined), in the list's order; an unknown name throws, listing the known ones. */
export function selectVariants(all: readonly AblationVariant[], names: readonly string[] | undefined): AblationVariant[] {
  if (names === undefined) return [...all];
  const known = all.map((x) => x.name);
  for (const n of names) if (!known.includes(n)) throw new RangeError(`--variants: '${n}' is not allowed; allowed: a comma-separated list of ${known.join(', ')}`);
  return all.filter((x) => names.includes(x.name));
}
