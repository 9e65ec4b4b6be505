/**
 * The per-rank message of the direction all-gather: an 8-byte header, then the rank's
 * directions (its blocks in increasing global block index, each flattened row-major) in
 * the communication dtype, or the text of the error that stopped the rank.
 *
 *   byte 0       status: 0 ok, 1 the rank's update failed, 2 float16 overflow
 *   bytes 4..7   number of values (uint32, little-endian), or bytes of the error text
 *   bytes 8..11  hash of the rank's block plan (so ranks notice if their plans differ)
 *   bytes 16..   float32 (4 bytes each, exact), float16 or bfloat16 (2 bytes each)
 *
 * Every rank sends a message even when its own update failed, so the all-gather always
 * completes and every rank learns of the failure at the same point.
 */
import { bfloat16Bits, bfloat16Value, float16Bits, float16Value } from './half-precision.js';

/** How directions travel between ranks. */
export type CommunicationDtype = 'float32' | 'float16' | 'bfloat16';

export const STATUS_OK = 0;
export const STATUS_FAILED = 1;
export const STATUS_OVERFLOW = 2;

const HEADER = 16;

/** 32-bit FNV-1a hash of a string (to compare block plans across ranks cheaply). */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Bytes per value of a communication dtype. */
export function bytesPerValue(dtype: CommunicationDtype): number {
  return dtype === 'float32' ? 4 : 2;
}

/** Encodes directions; a finite value that float16 cannot hold gives an overflow message instead. */
export function encodeDirections(values: Float32Array, dtype: CommunicationDtype, planHash = 0): Uint8Array {
  const out = new Uint8Array(HEADER + values.length * bytesPerValue(dtype));
  const view = new DataView(out.buffer);
  view.setUint32(4, values.length, true);
  view.setUint32(8, planHash, true);
  if (dtype === 'float32') {
    out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), HEADER);
    return out;
  }
  const convert = dtype === 'float16' ? float16Bits : bfloat16Bits;
  for (let i = 0; i < values.length; i++) {
    const h = convert(values[i]);
    if (dtype === 'float16' && (h & 0x7fff) === 0x7c00 && Number.isFinite(values[i])) {
      return encodeFailure(STATUS_OVERFLOW, `direction value ${values[i]} at position ${i} exceeds float16's largest finite value 65504; use communicationDtype 'bfloat16' or 'float32'`, planHash);
    }
    view.setUint16(HEADER + 2 * i, h, true);
  }
  return out;
}

/** A failure message: status and text. */
export function encodeFailure(status: number, message: string, planHash = 0): Uint8Array {
  const text = new TextEncoder().encode(message);
  const out = new Uint8Array(HEADER + text.length);
  out[0] = status;
  new DataView(out.buffer).setUint32(4, text.length, true);
  new DataView(out.buffer).setUint32(8, planHash, true);
  out.set(text, HEADER);
  return out;
}

/** A decoded message: the directions, or the failure. */
export type DecodedDirections = { ok: true; values: Float32Array; planHash: number } | { ok: false; status: number; message: string; planHash: number };

/** Decodes one rank's message (copying, so the result owns its memory). */
export function decodeDirections(message: Uint8Array, dtype: CommunicationDtype): DecodedDirections {
  if (message.length < HEADER) return { ok: false, status: STATUS_FAILED, message: `a message of ${message.length} bytes is shorter than its header`, planHash: 0 };
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
  const count = view.getUint32(4, true);
  const planHash = view.getUint32(8, true);
  if (message[0] !== STATUS_OK) {
    return { ok: false, status: message[0], message: new TextDecoder().decode(message.subarray(HEADER, HEADER + count)), planHash };
  }
  const width = bytesPerValue(dtype);
  if (message.length !== HEADER + count * width) {
    return { ok: false, status: STATUS_FAILED, message: `a message of ${message.length} bytes does not hold ${count} ${dtype} values`, planHash };
  }
  const values = new Float32Array(count);
  if (dtype === 'float32') {
    new Uint8Array(values.buffer).set(message.subarray(HEADER));
    return { ok: true, values, planHash };
  }
  const toValue = dtype === 'float16' ? float16Value : bfloat16Value;
  for (let i = 0; i < count; i++) values[i] = toValue(view.getUint16(HEADER + 2 * i, true));
  return { ok: true, values, planHash };
}
