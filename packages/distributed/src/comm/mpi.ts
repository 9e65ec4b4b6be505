/**
 * The Open MPI communicator: ranks are the processes of an MPI job
 * (`mpirun -np N node train.js`, on one machine or many), and the collectives go through a
 * thin native binding (src/native/mpi_binding.cc, built by `npm run build` when mpicc is
 * present) to MPI_Allgatherv, MPI_Alltoallv, MPI_Bcast and MPI_Barrier on MPI_COMM_WORLD.
 *
 * allReduce is the base class's reduce-scatter (MPI_Alltoallv of chunks, each summed in
 * rank order by its rank) and all-gather, not MPI_Allreduce: MPI does not fix its
 * reduction order, and this library promises a result that is deterministic and bitwise
 * the same on every rank. Its traffic is that of a ring all-reduce, about 2 (size-1)/size
 * of the vector per rank each way.
 *
 * Faults end the job within a bounded time, and every rank's error names the rank at fault:
 * - a rank that throws (an uncaught error or rejection) or exits with a nonzero code tells
 *   every other rank so (a notice on a private duplicate of MPI_COMM_WORLD) and, after
 *   `abortGraceMs`, calls MPI_Abort with its exit code; the others' current or next
 *   collective throws `rank k of N failed: <its error>`, so each logs its own error;
 * - a rank that closes its communicator (or ends normally) while the others still run
 *   collectives: their collective throws `rank k of N closed its communicator`;
 * - a rank that is killed (a signal): mpirun notices and ends the job, naming that rank;
 * - a rank that never arrives: every collective gives up after `timeoutMs` and throws.
 * A collective that threw leaves MPI unusable (it cannot be cancelled): the communicator is
 * broken, and the process ends with MPI_Abort, never MPI_Finalize, when it exits.
 */
import { constants } from 'node:os';
import { existsSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkKnownOptions, checkNumber } from '@shampoo-ts/core/authoring';
import { BaseCommunicator } from './communicator.js';

interface MpiBinding {
  init(): { rank: number; size: number };
  allGatherV(data: Uint8Array): { data: Uint8Array; counts: number[] };
  allToAllV(data: Uint8Array, counts: number[]): { data: Uint8Array; counts: number[] };
  broadcast(data: Uint8Array, root: number): Uint8Array;
  barrier(): void;
  finalize(): void;
  processor(): string;
  setTimeout(ms: number, drainMs: number): void;
  announceFailure(text: string): void;
  abortAfter(graceMs: number, code: number): never;
}

/** Options of `mpiCommunicator`: how long a collective may wait for the other ranks. */
export interface MpiCommunicatorOptions {
  /** Longest one collective may wait for the other ranks, in milliseconds (default 600000; 0: no limit). */
  timeoutMs?: number;
  /**
   * After a failure, how long this rank lets its notice reach the others before MPI_Abort;
   * also how long a collective may still complete after another rank closed its
   * communicator. In milliseconds (default 1000).
   */
  abortGraceMs?: number;
}

/** Where `npm run build` puts the binding (the same path from src/comm and dist/comm). */
export const MPI_ADDON_PATH = fileURLToPath(new URL('../../dist/native/mpi_binding.node', import.meta.url));

let binding: MpiBinding | undefined;
const OWNER = 'mpiCommunicator';

/** Why the MPI communicator cannot be used here, or undefined if it can. */
export function mpiUnavailableReason(): string | undefined {
  if (binding) return undefined;
  if (!existsSync(MPI_ADDON_PATH)) {
    return `the MPI binding ${MPI_ADDON_PATH} is not built (the npm package ships its source, not a binary built for another machine). Install Open MPI (Debian: apt-get install -y openmpi-bin libopenmpi-dev) and node-addon-api, then run node ${fileURLToPath(new URL('../../scripts/build-mpi-addon.mjs', import.meta.url))}; in the repository: bash .ci/install-mpi.sh, then npm run build`;
  }
  try {
    loadBinding();
    return undefined;
  } catch (e) {
    return `the MPI binding ${MPI_ADDON_PATH} does not load: ${(e as Error).message}`;
  }
}

function loadBinding(): MpiBinding {
  if (!binding) {
    const module = { exports: {} as MpiBinding };
    // RTLD_GLOBAL: Open MPI's plugins, loaded later with dlopen, need libmpi's symbols.
    process.dlopen(module, MPI_ADDON_PATH, constants.dlopen.RTLD_NOW | constants.dlopen.RTLD_GLOBAL);
    binding = module.exports;
  }
  return binding;
}

/** Consecutive views of `counts[r]` bytes of `data`. */
function splitByCounts(data: Uint8Array, counts: readonly number[]): Uint8Array[] {
  let offset = 0;
  return counts.map((n) => {
    offset += n;
    return data.subarray(offset - n, offset);
  });
}

class MpiCommunicator extends BaseCommunicator {
  /** The error that broke the communicator (a timeout or another rank's failure), if any. */
  private fault: (Error & { failedRank?: number }) | undefined;
  /** The last uncaught error of this process, for the notice to the other ranks. */
  private uncaught: unknown;
  private readonly onUncaught = (error: unknown): void => void (this.uncaught = error);
  private readonly onExit = (code: number): void => this.end(code);

  constructor(
    private readonly binding: MpiBinding,
    world: { rank: number; size: number },
    private readonly abortGraceMs: number,
  ) {
    super(world.rank, world.size, 'mpi');
    // MPI_Finalize (or MPI_Abort) must run before the process ends, or mpirun reports an abnormal exit.
    process.once('exit', this.onExit);
    process.on('uncaughtExceptionMonitor', this.onUncaught);
  }

  /**
   * The end of this rank's part in the job: MPI_Finalize after a clean exit. Otherwise this
   * rank prints its error (Node would print an uncaught error only after the 'exit' event,
   * too late) and, if the fault is its own, tells the other ranks; then MPI_Abort after
   * abortGraceMs, or twice that when another rank's failure brought it here, so the rank at
   * fault aborts first and the launcher's report names it.
   */
  private end(code: number): void {
    process.off('uncaughtExceptionMonitor', this.onUncaught);
    if (code === 0 && !this.fault) {
      this.binding.finalize();
      return;
    }
    const me = `mpi communicator (rank ${this.rank} of ${this.size})`;
    const u = this.uncaught as Error | undefined;
    if (u !== undefined) writeSync(2, `${me}: uncaught ${u?.stack ?? String(u)}\n`);
    const ownFault = this.fault?.failedRank === undefined;
    if (ownFault) {
      const why = this.fault?.message ?? (u !== undefined ? `${u?.name ?? 'Error'}: ${u?.message ?? String(u)}` : `its process exited with code ${code}`);
      this.binding.announceFailure(why);
    }
    const graceMs = ownFault ? this.abortGraceMs : 2 * this.abortGraceMs;
    writeSync(2, `${me}: ending the MPI job with MPI_Abort (code ${code || 1}) in ${graceMs} ms\n`);
    this.binding.abortAfter(graceMs, code || 1);
  }

  /** Runs a collective of the binding, remembering an error that broke the communicator. */
  private collective<T>(run: () => T): T {
    try {
      return run();
    } catch (error) {
      const e = error as Error & { failedRank?: number; timedOut?: boolean };
      if (e.failedRank !== undefined || e.timedOut) this.fault ??= e;
      throw error;
    }
  }

  /** The host this rank runs on (MPI_Get_processor_name). */
  processorName(): string {
    return this.binding.processor();
  }

  protected gatherBytes(data: Uint8Array): Uint8Array[] {
    const { data: all, counts } = this.collective(() => this.binding.allGatherV(data));
    return splitByCounts(all, counts);
  }

  protected exchangeBytes(chunks: readonly Uint8Array[]): Uint8Array[] {
    const send = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
    let offset = 0;
    for (const c of chunks) {
      send.set(c, offset);
      offset += c.byteLength;
    }
    const { data, counts } = this.collective(() => this.binding.allToAllV(send, chunks.map((c) => c.byteLength)));
    return splitByCounts(data, counts);
  }

  protected broadcastBytes(data: Uint8Array, root: number): Uint8Array {
    return this.collective(() => this.binding.broadcast(data, root));
  }

  protected waitAll(): void {
    this.collective(() => this.binding.barrier());
  }

  protected shutdown(): void {
    // A broken communicator cannot finalize: the exit handler aborts the job instead.
    if (this.fault) return;
    process.off('exit', this.onExit);
    process.off('uncaughtExceptionMonitor', this.onUncaught);
    this.binding.finalize();
  }
}

/**
 * The communicator of this process in its MPI job (MPI_COMM_WORLD); initializes MPI on
 * first use. A process started without mpirun is a job of size 1. After `close()` (which
 * calls MPI_Finalize) MPI cannot be used again in this process.
 */
export function mpiCommunicator(options: MpiCommunicatorOptions = {}): MpiCommunicator {
  checkKnownOptions(OWNER, options, ['timeoutMs', 'abortGraceMs']);
  const timeoutMs = checkNumber(OWNER, 'timeoutMs', options.timeoutMs ?? 600_000, { min: 0 });
  const abortGraceMs = checkNumber(OWNER, 'abortGraceMs', options.abortGraceMs ?? 1000, { min: 0 });
  const reason = mpiUnavailableReason();
  if (reason !== undefined) throw new Error(`${OWNER}: Open MPI is unavailable: ${reason}`);
  const b = loadBinding();
  const world = b.init();
  b.setTimeout(timeoutMs, abortGraceMs);
  return new MpiCommunicator(b, world, abortGraceMs);
}

export type { MpiCommunicator };
