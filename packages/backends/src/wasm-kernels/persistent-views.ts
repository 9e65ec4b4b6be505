/**
 * Heap views of the matrices of a stacked operand that outlive one product, so that
 * XNNPACK's operator cache (keyed by the C++ tensor id of the weights B, holding B packed)
 * is hit when the same stacked B is multiplied again, as a preconditioner X_R kept between
 * steps is: B separate 2-D tensors get that reuse from tfjs-backend-wasm, and a stacked B
 * keeps it here.
 *
 * Views are keyed by the operand's dataId object and the matrix shape (a reshape shares
 * the dataId; XNNPACK's operator is built for one shape). A tensor's data never changes
 * under one dataId, so a view stays valid while the dataId is alive; once the backend no
 * longer knows the dataId (the tensor was disposed), its views are released by the next
 * sweep, which frees their packed weights (a sweep runs when the table has doubled).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { registerHeapView, releaseHeapView, type WasmHeapBackend } from './wasm-heap-views.js';

type ViewTable = Map<tf.DataId, Map<string, number>>;

const tables = new WeakMap<object, ViewTable>();

function tableOf(backend: WasmHeapBackend): ViewTable {
  let table = tables.get(backend);
  if (table == null) {
    table = new Map();
    tables.set(backend, table);
  }
  return table;
}

/** Table sizes after each backend's last sweep (a sweep runs when the table doubles). */
const sizeAfterSweep = new WeakMap<object, number>();

/** Releases the views of every operand the backend has disposed since the last sweep. */
export function sweepPersistentViews(backend: WasmHeapBackend): void {
  const table = tableOf(backend);
  for (const [dataId, views] of table) {
    if (backend.dataIdMap.has(dataId)) continue;
    for (const id of views.values()) releaseHeapView(backend, id);
    table.delete(dataId);
  }
  sizeAfterSweep.set(backend, table.size);
}

/**
 * Sweeps once the table has doubled since the last sweep (and holds at least 16
 * operands), so the cost per product stays constant however many weights are live, and
 * the views of disposed operands never outnumber those of live ones by more than that.
 */
export function sweepPersistentViewsIfGrown(backend: WasmHeapBackend): void {
  const size = tableOf(backend).size;
  if (size >= Math.max(16, 2 * (sizeAfterSweep.get(backend) ?? 0))) sweepPersistentViews(backend);
}

/**
 * The C++ id of a view of matrix `index` (`rows` x `cols` float32, at byte offset
 * `offset + index * rows * cols * 4`) of the tensor with `dataId`, registered on first use
 * and kept until the tensor is disposed.
 */
export function persistentView(backend: WasmHeapBackend, dataId: tf.DataId, offset: number, index: number, rows: number, cols: number): number {
  const table = tableOf(backend);
  let views = table.get(dataId);
  if (views == null) {
    views = new Map();
    table.set(dataId, views);
  }
  const key = `${rows}x${cols}:${index}`;
  let id = views.get(key);
  if (id == null) {
    id = registerHeapView(backend, offset + index * rows * cols * 4, rows * cols);
    views.set(key, id);
  }
  return id;
}

/** How many operands have live persistent views (for tests). */
export function persistentViewCount(backend: WasmHeapBackend): number {
  return tableOf(backend).size;
}
