/**
 * Heap views of the matrices of a stacked operand that outlive one product, so that
 * XNNPACK's operator cache (keyed by the C++ tensor id of the weights B, holding B packed)
 * is hit when the same stacked B is multiplied again, as a preconditioner X_R kept between
 * steps is: B separate 2-D tensors get that reuse from tfjs-backend-wasm, and a stacked B
 * keeps it here.
 *
 * Views are keyed by the operand's dataId object and the matrix shape (a reshape shares
 * the dataId; XNNPACK's operator is built for one shape). A tensor's data never changes
 * under one dataId, so a view stays valid while the backend holds that dataId under the
 * same C++ id (a tensor moved to another backend and back keeps its dataId but gets a new
 * id and offset, and its views are remade); once the backend no longer knows the dataId
 * (the tensor was disposed), its views are released by the next sweep, which frees their
 * packed weights (a sweep runs when the table has doubled).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { registerHeapView, releaseHeapView, type WasmHeapBackend } from './wasm-heap-views.js';

/** The views of one operand, with the C++ id its data had when they were made. */
interface OperandViews { tensorId: number; views: Map<string, number> }

type ViewTable = Map<tf.DataId, OperandViews>;

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
  for (const [dataId, entry] of table) {
    // has() first: tfjs's DataStorage.get of an unknown dataId tries to move it here.
    if (backend.dataIdMap.has(dataId) && backend.dataIdMap.get(dataId)?.id === entry.tensorId) continue;
    for (const id of entry.views.values()) releaseHeapView(backend, id);
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
  const tensorId = backend.dataIdMap.get(dataId)?.id;
  if (tensorId == null) throw new Error('tensor is not on the wasm backend (its dataId is unknown there)');
  let entry = table.get(dataId);
  if (entry != null && entry.tensorId !== tensorId) {
    // The data left the backend and came back (moved to another backend and read here
    // again): same dataId, new heap offset and id. The old views point at freed memory
    // (their operators hold weights packed from the same values, but nothing should rely
    // on that), so they are remade.
    for (const id of entry.views.values()) releaseHeapView(backend, id);
    entry = undefined;
  }
  if (entry == null) {
    entry = { tensorId, views: new Map() };
    table.set(dataId, entry);
  }
  const views = entry.views;
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
