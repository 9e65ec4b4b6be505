/**
 * JSON values, checked where they enter, and a transport encoding that survives
 * tfjs-layers' model.json round trip.
 *
 * tfjs-layers passes an optimizer's config through `convertPythonicToTs` on load, which
 * camel-cases every key and every string value ('eps_root' -> 'epsRoot', 'a-b' -> 'aB').
 * A transform spec therefore travels as base64 of its UTF-8 JSON: the base64 alphabet
 * (A-Z a-z 0-9 + / =) contains neither '_' nor '-', so the text arrives unchanged.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
/** A plain JSON object (the shape of a `TransformSpec` config). */
export type JsonObject = { [key: string]: JsonValue };

/**
 * Throws a TypeError naming the path if `value` is not plain JSON: only null, booleans,
 * finite numbers, strings, arrays and plain objects (no functions, undefined, NaN,
 * Infinity, class instances or tensors).
 */
export function assertJson(owner: string, value: unknown, path = 'config'): asserts value is JsonValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${owner}: ${path} is ${value}; allowed: a finite number (JSON)`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertJson(owner, v, `${path}[${i}]`));
    return;
  }
  if (typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
    for (const [k, v] of Object.entries(value)) assertJson(owner, v, `${path}.${k}`);
    return;
  }
  const what = typeof value === 'object' ? `an instance of ${(value as object).constructor?.name ?? 'a class'}` : `a ${typeof value}`;
  throw new TypeError(`${owner}: ${path} is ${what}; allowed: JSON values (null, boolean, finite number, string, array, plain object). Register a factory that builds it from JSON.`);
}

/** base64 of the UTF-8 bytes of JSON.stringify(value). */
export function encodeJsonBase64(value: JsonValue): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return btoa(binary);
}

/** Inverse of encodeJsonBase64; throws naming `owner` on text that is not base64 JSON. */
export function decodeJsonBase64(owner: string, text: unknown): JsonValue {
  if (typeof text !== 'string') throw new TypeError(`${owner}: the encoded spec is ${typeof text}; allowed: a base64 string`);
  try {
    const binary = atob(text);
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as JsonValue;
  } catch (e) {
    throw new TypeError(`${owner}: the encoded spec '${text.slice(0, 40)}' is not base64 JSON (${(e as Error).message})`);
  }
}
