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
 * MPI has no timeouts: a rank that dies makes mpirun end the whole job.
 */
import { constants } from 'node:os';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BaseCommunicator } from './communicator.js';

interface MpiBinding {
  init(): { rank: number; size: number };
  allGatherV(data: Uint8Array): { data: Uint8Array; counts: number[] };
  allToAllV(data: Uint8Array, counts: number[]): { data: Uint8Array; counts: number[] };
  broadcast(data: Uint8Array, root: number): Uint8Array;
  barrier(): void;
  finalize(): void;
  processor(): string;
}

/** Where `npm run build` puts the binding (the same path from src/comm and dist/comm). */
export const MPI_ADDON_PATH = fileURLToPath(new URL('../../dist/native/mpi_binding.node', import.meta.url));

let binding: MpiBinding | undefined;

/** Why the MPI communicator cannot be used here, or undefined if it can. */
export function mpiUnavailableReason(): string | undefined {
  if (binding) return undefined;
  if (!existsSync(MPI_ADDON_PATH)) {
    return `the MPI binding ${MPI_ADDON_PATH} is not built (it builds with the package when mpicc is present: install Open MPI with bash .ci/install-mpi.sh, then npm run build)`;
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
  private readonly onExit = (): void => this.binding.finalize();

  constructor(
    private readonly binding: MpiBinding,
    world: { rank: number; size: number },
  ) {
    super(world.rank, world.size, 'mpi');
    // MPI_Finalize must run before the process ends, or mpirun reports an abnormal exit.
    process.once('exit', this.onExit);
  }

  /** The host this rank runs on (MPI_Get_processor_name). */
  processorName(): string {
    return this.binding.processor();
  }

  protected gatherBytes(data: Uint8Array): Uint8Array[] {
    const { data: all, counts } = this.binding.allGatherV(data);
    return splitByCounts(all, counts);
  }

  protected exchangeBytes(chunks: readonly Uint8Array[]): Uint8Array[] {
    const send = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
    let offset = 0;
    for (const c of chunks) {
      send.set(c, offset);
      offset += c.byteLength;
    }
    const { data, counts } = this.binding.allToAllV(send, chunks.map((c) => c.byteLength));
    return splitByCounts(data, counts);
  }

  protected broadcastBytes(data: Uint8Array, root: number): Uint8Array {
    return this.binding.broadcast(data, root);
  }

  protected waitAll(): void {
    this.binding.barrier();
  }

  protected shutdown(): void {
    process.off('exit', this.onExit);
    this.binding.finalize();
  }
}

/**
 * The communicator of this process in its MPI job (MPI_COMM_WORLD); initializes MPI on
 * first use. A process started without mpirun is a job of size 1. After `close()` (which
 * calls MPI_Finalize) MPI cannot be used again in this process.
 */
export function mpiCommunicator(): MpiCommunicator {
  const reason = mpiUnavailableReason();
  if (reason !== undefined) throw new Error(`mpiCommunicator: Open MPI is unavailable: ${reason}`);
  const b = loadBinding();
  return new MpiCommunicator(b, b.init());
}

export type { MpiCommunicator };
