/**
 * float32 <-> float16 / bfloat16 conversions for quantized communication (Node 20 has no
 * Float16Array). Both round to nearest, ties to even, as IEEE 754 does:
 * - float16 (1 sign, 5 exponent, 10 mantissa bits): relative error <= 2^-11 for
 *   6.1e-5 <= |x| <= 65504; below that, absolute error <= 2^-25 (subnormals); above
 *   65504 + 16 it overflows to Infinity.
 * - bfloat16 (1, 8, 7): the upper half of the float32 bits, rounded; relative error <= 2^-8
 *   for |x| >= 2^-126, absolute error <= 2^-134 below (no overflow before float32's own).
 * NaN stays NaN, +-Infinity stays +-Infinity.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float16 bits of x (rounded to nearest even). */
export function float16Bits(x: number): number {
  f32[0] = x;
  const b = u32[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  const mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0);
  const e = exp - 112; // rebias 127 -> 15
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const m = mant | 0x800000;
    const shift = 14 - e;
    let half = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rem > halfway || (rem === halfway && (half & 1) === 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (half & 1) === 1)) half++; // a carry into the exponent is correct
  return sign | half;
}

/** The value of float16 bits h. */
export function float16Value(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** The bfloat16 bits of x (rounded to nearest even). */
export function bfloat16Bits(x: number): number {
  f32[0] = x;
  const b = u32[0];
  if ((b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0) return ((b >>> 16) & 0x8000) | 0x7fc0;
  return ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
}

/** The value of bfloat16 bits h. */
export function bfloat16Value(h: number): number {
  u32[0] = (h & 0xffff) << 16;
  return f32[0];
}
