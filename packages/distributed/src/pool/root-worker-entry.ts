/**
 * A root worker: loads the pure compute function (by default @shampoo-ts/shampoo's
 * computeRoots), says 'ready', then for every job request runs the function on the tasks
 * it was given, reading the factors in place from the shared input, and posts the outcomes
 * back (transferring their arrays). Every reply bumps the shared event counter so that a
 * parent blocked in Atomics.wait wakes at once. A compute function that throws is reported
 * as an 'error' reply and the worker stays usable; anything that kills the thread is seen
 * by the parent through the death signal installed by the bootstrap.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { type RootOutcome, type RootTask } from '@shampoo-ts/shampoo';
import { checkOutcomeCount } from '@shampoo-ts/shampoo/engine';
import type { ComputeModule, JobRequest, WorkerReply } from './root-job-messages.js';

interface RootWorkerData {
  worker: number;
  port: MessagePort;
  events: Int32Array;
  compute: ComputeModule;
}

const data = workerData as RootWorkerData;

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  data.port.postMessage(message, transfer);
  Atomics.add(data.events, 0, 1);
  Atomics.notify(data.events, 0);
}

const mod = (await import(data.compute.module)) as Record<string, unknown>;
const compute = mod[data.compute.exportName];
if (typeof compute !== 'function') {
  throw new TypeError(`root worker: ${data.compute.module} has no exported function '${data.compute.exportName}'`);
}

data.port.on('message', (job: JobRequest) => {
  try {
    const tasks: RootTask[] = job.tasks.map((t) => ({
      ...t.spec,
      factor: new Float64Array(job.input, t.factorOffset * 8, t.factorLength),
      ...(t.previousLength > 0 ? { previousVectors: new Float64Array(job.input, t.previousOffset * 8, t.previousLength) } : {}),
    }));
    const outcomes = checkOutcomeCount('root worker', (compute as (tasks: RootTask[]) => RootOutcome[])(tasks), tasks.length);
    const transfer: ArrayBuffer[] = [];
    for (const o of outcomes) {
      for (const a of [o.root, o.values, o.vectors]) {
        if (a && a.buffer instanceof ArrayBuffer && !transfer.includes(a.buffer)) transfer.push(a.buffer);
      }
    }
    reply({ type: 'done', worker: data.worker, jobId: job.jobId, indices: job.tasks.map((t) => t.index), outcomes }, transfer);
  } catch (error) {
    reply({ type: 'error', worker: data.worker, jobId: job.jobId, message: (error as Error)?.stack ?? String(error) });
  }
});
reply({ type: 'ready', worker: data.worker });
