/** Types of build-wasm.mjs (imported by test/wasm-build.test.ts). */
export declare const generatedPath: string;
export declare const ASC_FLAGS: readonly string[];
export declare function sourceDigest(): string;
export declare function compileLinalgWasm(entryFile?: string, baseDir?: string): Promise<Uint8Array>;
export declare function renderModule(bytes: Uint8Array, digest: string): string;
