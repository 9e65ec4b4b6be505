/**
 * A pool of worker threads that run the pure root function (by default @shampoo-ts/shampoo's
 * `computeRoots`) on factor matrices shared through a SharedArrayBuffer.
 *
 * `start(tasks)` puts a job's matrices into one shared Float64 buffer, splits the tasks
 * between the workers by greedy LPT on the cost n^3 (assignBlocksByCost, the same rule as
 * the block assignment between ranks) and posts each worker its part; it returns at once.
 * `wait(job)` blocks the calling thread (Atomics.wait, so it works inside a synchronous
 * training step without an event loop) until every part is back, and returns the outcomes
 * in task order. Jobs queue per worker, so several can be in flight (a pipeline).
 *
 * Outcomes do not depend on which worker computed what: every task is computed by the same
 * pure function from the same float64 data, so they are bitwise those of computing inline.
 *
 * Failures never hang the caller and always name the job's tasks:
 * - the compute function throws: the job fails with its message; the worker stays usable;
 * - a worker dies (uncaught error, process.exit, out of memory, killed): it is replaced by
 *   a fresh worker at once, and its unfinished parts of each job are sent to the new worker,
 *   up to `retries` times per job; a job whose worker dies more often fails, naming it;
 * - `wait` blocks longer than `timeoutMs`: the workers still busy with the job are
 *   terminated (their queued jobs fail too) and replaced on the next start.
 * After `close()` every call throws.
 */
import { checkKnownOptions, checkNumber, invalidType } from '@shampoo-ts/core/authoring';
import type { RootOutcome, RootTask } from '@shampoo-ts/shampoo';
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { assignBlocksByCost } from '../assignment/assign-blocks.js';
import { siblingModule, startModuleWorker } from '../runtime/module-worker.js';
import type { ComputeModule, JobRequest, TaskPlacement, WorkerReply } from './root-job-messages.js';

/** Options of `rootWorkerPool`: the number of threads, the time limits, the root function and the retries. */
export interface RootWorkerPoolOptions {
  /** Number of worker threads (default 2). */
  workers?: number;
  /** Longest a `wait` may block once the job's workers have started, in milliseconds (default 120000). */
  timeoutMs?: number;
  /** Longest a worker may take to start (load the compute function), in milliseconds (default 120000). */
  startupTimeoutMs?: number;
  /** The pure function the workers run (default: computeRoots of @shampoo-ts/shampoo). */
  compute?: ComputeModule;
  /** How many times a job's part is resent to a fresh worker after its worker died (default 1; 0: fail at once). */
  retries?: number;
}

/** A job handed to the pool; pass it to `wait`. */
export interface RootJob {
  readonly id: number;
  readonly size: number;
}

interface JobState extends RootJob {
  readonly keys: readonly string[];
  readonly outcomes: (RootOutcome | undefined)[];
  /** Workers that still owe a part of this job, and the request each was sent (to resend it). */
  readonly owing: Map<number, JobRequest>;
  /** Parts resent after a worker died. */
  retried: number;
  error?: string;
}

interface Slot {
  worker: Worker;
  port: MessagePort;
  death: Int32Array;
  message: Uint8Array;
  ready: boolean;
  /** Jobs sent to this worker and not yet answered, in order. */
  queue: number[];
}

const OWNER = 'rootWorkerPool';
const DEFAULT_COMPUTE: ComputeModule = { module: '@shampoo-ts/shampoo', exportName: 'computeRoots' };

/** Plain-text error from a NUL-padded UTF-8 buffer. */
function textOf(buffer: Uint8Array): string {
  const end = buffer.indexOf(0);
  return new TextDecoder().decode(buffer.slice(0, end < 0 ? buffer.length : end));
}

/** A pool of worker threads computing batches of root tasks (a `RootRunner`): `start(tasks)` splits the tasks by cost over the workers, `wait(job)` blocks until every outcome is back (retrying a crashed worker `retries` times). Close it with `close()`. */
export class RootWorkerPool {
  readonly name: string;
  readonly size: number;
  private readonly timeoutMs: number;
  private readonly startupTimeoutMs: number;
  private readonly compute: ComputeModule;
  private readonly retries: number;
  private readonly events = new Int32Array(new SharedArrayBuffer(4));
  private readonly slots: (Slot | undefined)[];
  private readonly jobs = new Map<number, JobState>();
  private nextJob = 1;
  private closed = false;

  /** Validates `options` (an error names the bad one) and starts no thread until the first job. */
  constructor(options: RootWorkerPoolOptions = {}) {
    checkKnownOptions(OWNER, options, ['workers', 'timeoutMs', 'startupTimeoutMs', 'compute', 'retries']);
    this.retries = checkNumber(OWNER, 'retries', options.retries ?? 1, { min: 0, integer: true });
    this.size = checkNumber(OWNER, 'workers', options.workers ?? 2, { min: 1, max: 256, integer: true });
    this.timeoutMs = checkNumber(OWNER, 'timeoutMs', options.timeoutMs ?? 120_000, { min: 1 });
    this.startupTimeoutMs = checkNumber(OWNER, 'startupTimeoutMs', options.startupTimeoutMs ?? 120_000, { min: 1 });
    const compute = options.compute ?? DEFAULT_COMPUTE;
    if (typeof compute?.module !== 'string' || typeof compute?.exportName !== 'string') {
      invalidType(OWNER, 'compute', compute, '{ module: string, exportName: string }');
    }
    this.compute = compute;
    this.name = `worker-pool(${this.size})`;
    this.slots = new Array(this.size).fill(undefined);
  }

  private check(op: string): void {
    if (this.closed) throw new Error(`${OWNER}: ${op} after close()`);
  }

  private spawn(w: number): Slot {
    const { port1, port2 } = new MessageChannel();
    const death = new Int32Array(new SharedArrayBuffer(4));
    const message = new Uint8Array(new SharedArrayBuffer(4096));
    const worker = startModuleWorker(
      siblingModule(import.meta.url, './root-worker-entry'),
      { worker: w, port: port2, events: this.events, compute: this.compute },
      { death: { cells: death, index: 0, value: 1, message, wake: { cells: this.events, index: 0 } }, name: `root worker ${w}`, transferList: [port2] },
    );
    worker.unref();
    worker.on('error', () => {}); // reported through the death signal
    return { worker, port: port1, death, message, ready: false, queue: [] };
  }

  /** Starts any worker that is missing (first use, or replacing one that died or was terminated). */
  private ensureWorkers(): void {
    for (let w = 0; w < this.size; w++) if (!this.slots[w]) this.slots[w] = this.spawn(w);
  }

  /** Fails every job still queued on worker `w`, and forgets the worker. */
  private retire(w: number, why: string): void {
    const slot = this.slots[w];
    if (!slot) return;
    for (const id of slot.queue) {
      const job = this.jobs.get(id);
      if (job && job.error === undefined) job.error = `worker ${w} ${why}`;
    }
    void slot.worker.terminate();
    slot.port.close();
    this.slots[w] = undefined;
  }

  /**
   * Worker `w` died: a fresh worker takes its place and gets again the parts of the jobs it
   * had not finished, while a job has retries left; the other jobs fail naming the death.
   */
  private replaceDead(w: number, why: string): void {
    const queue = this.slots[w]!.queue;
    const resend = queue
      .map((id) => this.jobs.get(id))
      .filter((job) => job !== undefined && job.error === undefined && job.owing.has(w) && job.retried < this.retries);
    for (const job of resend) this.slots[w]!.queue = this.slots[w]!.queue.filter((id) => id !== job!.id);
    const retriesNote = this.retries > 0 ? `, also after ${this.retries} retr${this.retries === 1 ? 'y' : 'ies'} on a fresh worker` : '';
    this.retire(w, `${why}${retriesNote}`);
    if (resend.length === 0) return;
    const slot = (this.slots[w] = this.spawn(w));
    for (const job of resend) {
      job!.retried++;
      const request = job!.owing.get(w)!;
      slot.port.postMessage(request);
      slot.queue.push(job!.id);
    }
  }

  /** Reads every reply that has arrived, and notices dead workers. */
  private drain(): void {
    for (let w = 0; w < this.size; w++) {
      const slot = this.slots[w];
      if (!slot) continue;
      for (let m = receiveMessageOnPort(slot.port); m; m = receiveMessageOnPort(slot.port)) {
        const reply = m.message as WorkerReply;
        if (reply.type === 'ready') {
          slot.ready = true;
          continue;
        }
        slot.queue = slot.queue.filter((id) => id !== reply.jobId);
        const job = this.jobs.get(reply.jobId);
        if (!job) continue;
        job.owing.delete(w);
        if (reply.type === 'error') job.error ??= `the compute function threw on worker ${w}: ${reply.message}`;
        else reply.indices.forEach((i, k) => (job.outcomes[i] = reply.outcomes[k]));
      }
      if (Atomics.load(slot.death, 0) !== 0) {
        const text = textOf(slot.message);
        this.replaceDead(w, `died${text ? `: ${text.split('\n')[0]}` : ' (its thread exited)'}`);
      }
    }
  }

  /** Blocks until `done()` or the deadline; returns false on timeout. */
  private block(done: () => boolean, deadline: number): boolean {
    for (;;) {
      const seen = Atomics.load(this.events, 0);
      this.drain();
      if (done()) return true;
      const left = deadline - performance.now();
      if (left <= 0) return false;
      Atomics.wait(this.events, 0, seen, Math.min(left, 100));
    }
  }

  /** Blocks until the given workers have loaded the compute function (or died); throws on startup timeout. */
  private awaitStartup(workers: readonly number[]): void {
    const ok = this.block(() => workers.every((w) => this.slots[w] === undefined || this.slots[w]!.ready), performance.now() + this.startupTimeoutMs);
    if (!ok) throw new Error(`${OWNER}: worker(s) did not start within startupTimeoutMs = ${this.startupTimeoutMs} ms (module '${this.compute.module}')`);
  }

  /** Starts the workers if needed and blocks until every one has loaded the compute function. */
  ready(): void {
    this.check('ready');
    this.drain();
    this.ensureWorkers();
    this.awaitStartup([...this.slots.keys()]);
    const dead = this.slots.findIndex((s) => s === undefined);
    if (dead >= 0) throw new Error(`${OWNER}: worker ${dead} died while starting (module '${this.compute.module}', export '${this.compute.exportName}')`);
  }

  /** Hands `tasks` to the workers and returns at once. The tasks' arrays are copied. */
  start(tasks: readonly RootTask[]): RootJob {
    this.check('start');
    this.drain();
    this.ensureWorkers();
    const id = this.nextJob++;
    let length = 0;
    const placements: TaskPlacement[] = tasks.map((t, index) => {
      const factorOffset = length;
      length += t.factor.length;
      const previousOffset = length;
      const previousLength = t.previousVectors?.length ?? 0;
      length += previousLength;
      const { factor: _f, previousVectors: _p, ...spec } = t;
      return { index, spec, factorOffset, factorLength: t.factor.length, previousOffset, previousLength };
    });
    const input = new SharedArrayBuffer(8 * length);
    const view = new Float64Array(input);
    tasks.forEach((t, i) => {
      view.set(t.factor, placements[i].factorOffset);
      if (t.previousVectors) view.set(t.previousVectors, placements[i].previousOffset);
    });
    const assignment = assignBlocksByCost(tasks.map((t) => t.n ** 3), this.size);
    const job: JobState = { id, size: tasks.length, keys: tasks.map((t) => t.key), outcomes: new Array(tasks.length), owing: new Map(), retried: 0 };
    this.jobs.set(id, job);
    assignment.blocksByOwner.forEach((indices, w) => {
      if (indices.length === 0) return;
      const slot = this.slots[w]!;
      const request: JobRequest = { jobId: id, input, tasks: indices.map((i) => placements[i]) };
      slot.port.postMessage(request);
      slot.queue.push(id);
      job.owing.set(w, request);
    });
    return { id, size: tasks.length };
  }

  /**
   * Blocks until `job` is complete and returns its outcomes in task order; throws a clear
   * error if it failed or if waiting takes longer than timeoutMs. A job can be waited for once.
   */
  wait(handle: RootJob): RootOutcome[] {
    this.check('wait');
    const job = this.jobs.get(handle?.id);
    if (!job) throw new Error(`${OWNER}: job ${String(handle?.id)} is unknown or was already waited for`);
    const finished = () => job.error !== undefined || job.owing.size === 0;
    // Startup (loading the compute function) does not count against timeoutMs, also that of
    // a worker replacing one that died: each retry restarts the clock.
    let ok: boolean;
    for (let retried = job.retried; ; retried = job.retried) {
      this.awaitStartup([...job.owing.keys()]);
      ok = this.block(() => finished() || job.retried !== retried, performance.now() + this.timeoutMs);
      if (!ok || finished()) break;
    }
    if (!ok) {
      const stuck = [...job.owing.keys()];
      const pending = job.keys.filter((_, i) => job.outcomes[i] === undefined);
      for (const w of stuck) this.retire(w, `was terminated after timing out on job ${job.id}`);
      this.jobs.delete(job.id);
      throw new Error(
        `${OWNER}: job ${job.id} timed out after timeoutMs = ${this.timeoutMs} ms; worker(s) ${stuck.join(', ')} were terminated ` +
          `(the pool replaces them on the next job) with ${pending.length} task(s) unfinished: ${pending.slice(0, 8).join(', ')}${pending.length > 8 ? ', ...' : ''}`,
      );
    }
    this.jobs.delete(job.id);
    if (job.error !== undefined) {
      throw new Error(`${OWNER}: job ${job.id} (${job.size} task(s): ${job.keys.slice(0, 8).join(', ')}${job.size > 8 ? ', ...' : ''}) failed: ${job.error}`);
    }
    return job.outcomes as RootOutcome[];
  }

  /** Forgets a job nobody will wait for (its workers finish it; the outcomes are dropped). */
  discard(handle: RootJob): void {
    this.jobs.delete(handle?.id);
  }

  /** Runs `tasks` and waits for them: start + wait. */
  run(tasks: readonly RootTask[]): RootOutcome[] {
    return this.wait(this.start(tasks));
  }

  /** Terminates every worker; pending jobs are dropped. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const exits = this.slots.map((s) => (s ? s.worker.terminate() : Promise.resolve(0)));
    this.slots.forEach((s) => s?.port.close());
    this.jobs.clear();
    await Promise.all(exits);
  }
}

/** A pool of `workers` threads running the pure root function (see RootWorkerPool). */
export function rootWorkerPool(options: RootWorkerPoolOptions = {}): RootWorkerPool {
  return new RootWorkerPool(options);
}
