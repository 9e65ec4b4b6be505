/**
 * What a benchmark suite is: a description of its own flags and a run function. The CLI
 * (cli.ts) parses the common flags (--quick, --out, --help) and the suite's, and calls
 * `run` with the parsed values. Adding a suite is one file in src/suites/ exporting a
 * `suite` plus one line in registry.ts.
 */

/** A flag a suite accepts: `--name value` (string) or `--name` (boolean). */
export interface FlagSpec {
  type: 'string' | 'boolean';
  /** One line for the usage text; name the default. */
  description: string;
}

export interface SuiteContext {
  /** --quick: a seconds-long smoke run (what CI runs). */
  quick: boolean;
  /** Directory the suite writes <suite>.json and plots into (created if missing). */
  outDir: string;
  /** The suite's own flags, parsed (absent flags are undefined). */
  flags: Readonly<Record<string, string | boolean | undefined>>;
  /** Progress and tables go here (stdout by default). */
  log: (line: string) => void;
}

export interface BenchSuite {
  /** Flags beyond --quick, --out and --help. */
  flags: Readonly<Record<string, FlagSpec>>;
  run(context: SuiteContext): Promise<void>;
}

/** A registry line: the name and summary are known without loading the suite. */
export interface SuiteEntry {
  name: string;
  summary: string;
  load: () => Promise<{ suite: BenchSuite }>;
}
