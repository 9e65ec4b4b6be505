/**
 * `npm run playground`: builds the playground (playground/src) into a static site with
 * esbuild and serves it on http://127.0.0.1:<port>/ (default 5180; `--port N`, `--out DIR`,
 * `--no-serve` to build only). The site is three kinds of file:
 *   index.html, playground.js (one ES module bundle of the page, tfjs and the @shampoo-ts
 *   packages, compiled from their TypeScript sources: no package build needed, never a stale
 *   dist/), and wasm/tfjs-backend-wasm*.wasm (the installed wasm backend's binaries, which the
 *   page loads from ./wasm/).
 */
import { build, type Plugin } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** The tfjs-backend-wasm binaries the page can load. */
export const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;

/** '@shampoo-ts/x' -> packages/x/src/index.ts, a subpath '@shampoo-ts/x/y' -> packages/x/src/y.ts. */
const fromSources: Plugin = {
  name: 'shampoo-ts-sources',
  setup(b) {
    b.onResolve({ filter: /^@shampoo-ts\/[a-z-]+(\/[a-z-]+)?$/ }, ({ path }) => {
      const [, pkg, sub] = path.split('/');
      return { path: join(here, '..', 'packages', pkg, 'src', `${sub ?? 'index'}.ts`) };
    });
  },
};

/** Builds the site into `outDir` (emptied first); returns the folder. */
export async function buildPlayground(outDir: string = join(here, 'dist')): Promise<string> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(outDir, 'wasm'), { recursive: true });
  await build({
    entryPoints: [join(here, 'src', 'main.ts')],
    outfile: join(outDir, 'playground.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: false,
    logLevel: 'warning',
    plugins: [fromSources],
    // Node built-ins that tfjs and the packages probe for only under Node.
    external: ['node:*', 'worker_threads', 'fs', 'path', 'os', 'crypto', 'module', 'url', 'util'],
  });
  copyFileSync(join(here, 'src', 'index.html'), join(outDir, 'index.html'));
  const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
  for (const name of WASM_FILES) copyFileSync(join(wasmDir, name), join(outDir, 'wasm', name));
  return outDir;
}

const MIME: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm' };

/** A static server for `root` on 127.0.0.1 (port 0: a free one); resolves once it listens. */
export async function servePlayground(root: string, port = 0): Promise<{ url: string; close: () => Promise<void> }> {
  const base = resolve(root);
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = resolve(base, '.' + (path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(base) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', ok);
  });
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}/`, close: () => new Promise((ok) => server.close(() => ok())) };
}

/** The command line (see the module comment). */
async function main(argv: readonly string[]): Promise<void> {
  let port = 5180;
  let out = join(here, 'dist');
  let serve = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--port') port = Number(argv[++i]);
    else if (a === '--out') out = resolve(process.env.INIT_CWD ?? process.cwd(), argv[++i]);
    else if (a === '--no-serve') serve = false;
    else throw new RangeError(`playground: unknown flag '${a}'; allowed: --port N, --out DIR, --no-serve`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`playground: --port = ${port} is not allowed; allowed: an integer in [0, 65535]`);
  const dir = await buildPlayground(out);
  console.log(`playground: built ${dir}`);
  if (!serve) return;
  const { url } = await servePlayground(dir, port);
  console.log(`playground: serving ${url} (Ctrl-C to stop)`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
  });
}
