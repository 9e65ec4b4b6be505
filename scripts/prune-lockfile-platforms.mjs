#!/usr/bin/env node
// Keeps package-lock.json acceptable to `npm ci` on this project's registry.
//
// Packages such as turbo list one optional dependency per platform (@turbo/darwin-64,
// @turbo/windows-64, ...). The registry these machines reach serves only the Linux builds,
// so `npm install` records the edges but not the packages, and `npm ci` then refuses the
// lock ("Missing: @turbo/darwin-64@ from lock file"). This drops optional-dependency edges
// whose package the lock does not contain; it changes nothing else and is idempotent.
// Run it after `npm install` (.ci/run runs it before `npm ci`).
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const present = new Set(Object.keys(lock.packages).map((key) => key.replace(/^.*node_modules\//, '')));
let dropped = 0;
for (const entry of Object.values(lock.packages)) {
  if (!entry.optionalDependencies) continue;
  for (const name of Object.keys(entry.optionalDependencies)) {
    if (!present.has(name)) {
      delete entry.optionalDependencies[name];
      dropped++;
    }
  }
}
if (dropped > 0) writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`prune-lockfile-platforms: dropped ${dropped} optional edge(s) to packages absent from the lock`);
