/**
 * Where this code runs, and loading packages that may be absent.
 */

/** True in Node.js (also under vitest), false in a browser or worker. */
export function isNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof proc?.versions?.node === 'string' && typeof (globalThis as { window?: unknown }).window === 'undefined';
}

/** The result of `importOptional`: the module, or why it could not be loaded. */
export type OptionalModule<T> = { ok: true; module: T } | { ok: false; missing: boolean; reason: string };

/**
 * Imports a package that is an optional peer dependency, by a specifier bundlers do not
 * see (so an uninstalled optional package does not break a build). `missing` is true
 * when the package is not installed; other load errors (a broken native addon) are
 * reported with their message.
 */
export async function importOptional<T>(specifier: string): Promise<OptionalModule<T>> {
  try {
    const module = (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as T;
    return { ok: true, module };
  } catch (e) {
    const err = e as { code?: string; message?: string };
    const text = String(err?.message ?? e);
    const missing = err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'MODULE_NOT_FOUND' || /Cannot find (package|module)|Failed to (resolve|load)|Could not resolve/i.test(text);
    return { ok: false, missing, reason: missing ? `${specifier} is not installed` : `${specifier} failed to load: ${text}` };
  }
}
