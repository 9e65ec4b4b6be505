/** Byte views for the communicators' transports. */

/** Bytes of a typed array (a view, no copy). */
export function bytesOf(x: ArrayBufferView): Uint8Array {
  return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
}

/** A float32 view of gathered bytes (copied when misaligned). */
export function float32Of(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 4 !== 0) {
    throw new RangeError(`float32Of: ${bytes.byteLength} bytes is not allowed; allowed: a multiple of 4`);
  }
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  return new Float32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4);
}
