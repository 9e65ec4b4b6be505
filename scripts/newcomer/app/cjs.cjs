// The CommonJS path. require() of our ES modules works on Node >= 20.19 and >= 22.12
// (require(esm)); the recipe for any Node is `await import()` from an async function.
// Both are run here, and the exports the packages make reachable are resolved.
const tf = require('@tensorflow/tfjs');

async function main() {
  const { train, verdict } = await import('./train.mjs');
  const results = [];
  const major = Number(process.versions.node.split('.')[0]);
  const minor = Number(process.versions.node.split('.')[1]);
  const requireEsm = major > 22 || (major === 22 && minor >= 12) || (major === 20 && minor >= 19);
  try {
    const core = require('@shampoo-ts/core');
    const shampoo = require('@shampoo-ts/shampoo');
    const grafting = require('@shampoo-ts/grafting');
    await require('@shampoo-ts/backends').useBackend('cpu');
    results.push({ name: `commonjs require() (node ${process.versions.node})`, ...verdict(await train({ tf, core, shampoo, grafting })) });
  } catch (e) {
    results.push({ name: `commonjs require() (node ${process.versions.node})`, ok: !requireEsm, detail: `${requireEsm ? 'failed' : 'unsupported here, as expected'}: ${e.message}` });
  }
  const [core, shampoo, grafting, backends] = await Promise.all(['core', 'shampoo', 'grafting', 'backends'].map((p) => import(`@shampoo-ts/${p}`)));
  await backends.useBackend('cpu');
  results.push({ name: 'commonjs await import() recipe', ...verdict(await train({ tf, core, shampoo, grafting })) });
  const version = require('@shampoo-ts/backends/package.json').version;
  const wasm = require.resolve('@shampoo-ts/backends/wasm/tfjs-backend-wasm-simd.wasm');
  results.push({ name: 'exports ./package.json and ./wasm/*', ok: typeof version === 'string' && wasm.endsWith('tfjs-backend-wasm-simd.wasm'), detail: `version ${version}, ${wasm}` });
  console.log(JSON.stringify(results));
}
main().catch((e) => { console.error(e); process.exit(1); });
