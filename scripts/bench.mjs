#!/usr/bin/env node
// `npm run bench -- <suite> [flags]` (the npm script builds the workspace first).
// The suites live in packages/bench; `npm run bench` with no suite lists them.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'packages', 'bench', 'dist', 'cli.js');
if (!existsSync(cli)) {
  console.error(`bench: ${cli} is missing; build first (npm run build), or use npm run bench -- <suite>`);
  process.exit(2);
}
const { main } = await import(pathToFileURL(cli).href);
process.exitCode = await main(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  cwd: root,
});
