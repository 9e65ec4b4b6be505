#!/usr/bin/env node
// `npm run demo -- [flags]`: Shampoo vs AdamW on real MNIST digits (packages/bench/src/demo).
// The npm script builds the packages the demo needs first (turbo, cached), then runs this.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'packages', 'bench', 'dist', 'demo', 'main.js');
if (!existsSync(entry)) {
  console.error(`demo: ${entry} is missing; build first (npm run build), or use npm run demo`);
  process.exit(2);
}
const { runDemo } = await import(pathToFileURL(entry).href);
process.exitCode = await runDemo(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  progress: process.stderr,
  // npm runs scripts from the repository root; INIT_CWD is where the user typed the command.
  cwd: process.env.INIT_CWD ?? process.cwd(),
});
