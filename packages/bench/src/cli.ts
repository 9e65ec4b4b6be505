/**
 * `npm run bench -- <suite> [--quick] [--out DIR] [suite flags]`, `--list` or `--help`:
 * dispatches to a suite of the registry. A missing or unknown suite, an unknown flag or an
 * output folder that cannot be written prints a message (and the usage) and returns a
 * non-zero exit code before the suite starts; suites write their files all or nothing.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { checkWritableDir } from './output/atomic-output.js';
import { SUITES } from './registry.js';
import type { FlagSpec, SuiteEntry } from './suite.js';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Directory relative --out paths resolve against (the repository root). */
  cwd: string;
}

const COMMON_FLAGS: Readonly<Record<string, FlagSpec>> = {
  quick: { type: 'boolean', description: 'a seconds-long smoke run (what CI runs)' },
  out: { type: 'string', description: 'output directory (default: bench-results)' },
  help: { type: 'boolean', description: 'this text' },
};

function flagLines(flags: Readonly<Record<string, FlagSpec>>): string[] {
  return Object.entries(flags).map(([name, spec]) => {
    const left = spec.type === 'string' ? `--${name} <value>` : `--${name}`;
    return `  ${left.padEnd(22)} ${spec.description}`;
  });
}

/** The usage text listing every suite. */
export function usage(suites: readonly SuiteEntry[] = SUITES): string {
  const width = Math.max(...suites.map((s) => s.name.length));
  return [
    'usage: npm run bench -- <suite> [--quick] [--out DIR] [suite flags]',
    '',
    'suites:',
    ...suites.map((s) => `  ${s.name.padEnd(width)}  ${s.summary}`),
    '',
    'common flags:',
    ...flagLines(COMMON_FLAGS),
    '',
    'npm run bench -- <suite> --help lists a suite\'s own flags; --list prints the suite names, one per line.',
  ].join('\n');
}

/** Runs the CLI and returns the exit code (0 ok, 1 the suite failed, 2 bad arguments). */
export async function main(argv: readonly string[], io: CliIo, suites: readonly SuiteEntry[] = SUITES): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name.startsWith('-')) {
    if (name === '--help' || name === '-h') {
      io.out(usage(suites));
      return 0;
    }
    if (name === '--list') {
      for (const s of suites) io.out(s.name);
      return 0;
    }
    io.err(`bench: no suite given\n\n${usage(suites)}`);
    return 2;
  }
  const entry = suites.find((s) => s.name === name);
  if (entry === undefined) {
    io.err(`bench: unknown suite '${name}'\n\n${usage(suites)}`);
    return 2;
  }
  const { suite } = await entry.load();
  const flags = { ...COMMON_FLAGS, ...suite.flags };
  const suiteUsage = [`usage: npm run bench -- ${entry.name} [flags]`, '', entry.summary, '', 'flags:', ...flagLines(flags)].join('\n');
  let values: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries(Object.entries(flags).map(([k, spec]) => [k, { type: spec.type }]));
    values = parseArgs({ args: [...rest], options, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
  } catch (err) {
    io.err(`bench ${entry.name}: ${(err as Error).message}\n\n${suiteUsage}`);
    return 2;
  }
  if (values.help === true) {
    io.out(suiteUsage);
    return 0;
  }
  const own = Object.fromEntries(Object.keys(suite.flags).map((k) => [k, values[k]]));
  const outDir = resolve(io.cwd, typeof values.out === 'string' ? values.out : 'bench-results');
  try {
    checkWritableDir(outDir);
  } catch (err) {
    io.err(`bench ${entry.name}: ${(err as Error).message}`);
    return 2;
  }
  try {
    await suite.run({
      quick: values.quick === true,
      outDir,
      flags: own,
      log: io.out,
    });
  } catch (err) {
    io.err(`bench ${entry.name}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  return 0;
}
