import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, SUITES, usage, type BenchSuite, type SuiteContext, type SuiteEntry } from '../src/index.js';

function capture(): { io: { out: (l: string) => void; err: (l: string) => void; cwd: string }; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l) => out.push(l), err: (l) => err.push(l), cwd: mkdtempSync(join(tmpdir(), 'bench-cli-')) }, out, err };
}

/** A registry with one recording suite, to see exactly what the CLI passes on. */
function recordingRegistry(behaviour: (ctx: SuiteContext) => void = () => {}): { suites: SuiteEntry[]; seen: SuiteContext[] } {
  const seen: SuiteContext[] = [];
  const suite: BenchSuite = {
    flags: { size: { type: 'string', description: 'a size' }, fast: { type: 'boolean', description: 'go fast' } },
    run: async (ctx) => {
      seen.push(ctx);
      behaviour(ctx);
    },
  };
  return { suites: [{ name: 'probe', summary: 'records its context', load: async () => ({ suite }) }], seen };
}

describe('bench CLI', () => {
  it('lists every registered suite in the usage, linalg among them', () => {
    const text = usage();
    for (const s of SUITES) expect(text).toContain(`  ${s.name}`);
    expect(SUITES.map((s) => s.name)).toContain('linalg');
  });

  it('--list prints exactly the suite names, one per line, and exits 0 (CI loops over them)', async () => {
    const c = capture();
    expect(await main(['--list'], c.io)).toBe(0);
    expect(c.out).toEqual(SUITES.map((s) => s.name));
    expect(c.err).toEqual([]);
  });

  it('a missing suite prints the usage and exits 2', async () => {
    const c = capture();
    expect(await main([], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/no suite given[\s\S]*suites:[\s\S]*linalg/);
  });

  it('an unknown suite names it, prints the usage and exits 2', async () => {
    const c = capture();
    expect(await main(['nope', '--quick'], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/unknown suite 'nope'[\s\S]*linalg/);
  });

  it('--help prints the usage and exits 0; <suite> --help lists its flags', async () => {
    const c = capture();
    expect(await main(['--help'], c.io)).toBe(0);
    expect(c.out.join('\n')).toContain('usage: npm run bench');
    const d = capture();
    expect(await main(['linalg', '--help'], d.io)).toBe(0);
    expect(d.out.join('\n')).toMatch(/--sizes <value>[\s\S]*--no-lapack/);
  });

  it('an unknown flag names the flag, exits 2 and does not run the suite', async () => {
    const { suites, seen } = recordingRegistry();
    const c = capture();
    expect(await main(['probe', '--bogus'], c.io, suites)).toBe(2);
    expect(c.err.join('\n')).toMatch(/Unknown option '--bogus'[\s\S]*--size <value>/);
    expect(seen).toHaveLength(0);
  });

  it('passes --quick, the resolved --out and the suite flags on', async () => {
    const { suites, seen } = recordingRegistry();
    const c = capture();
    expect(await main(['probe', '--quick', '--out', 'res', '--size', '12', '--fast'], c.io, suites)).toBe(0);
    expect(seen).toHaveLength(1);
    expect(seen[0].quick).toBe(true);
    expect(seen[0].outDir).toBe(join(c.io.cwd, 'res'));
    expect(seen[0].flags).toEqual({ size: '12', fast: true });
    expect(await main(['probe'], c.io, suites)).toBe(0);
    expect(seen[1].quick).toBe(false);
    expect(seen[1].outDir).toBe(join(c.io.cwd, 'bench-results'));
    expect(seen[1].flags).toEqual({ size: undefined, fast: undefined });
  });

  it('an --out that cannot be written exits 2 before the suite runs', async () => {
    const { suites, seen } = recordingRegistry();
    const c = capture();
    const file = join(c.io.cwd, 'a-file');
    writeFileSync(file, 'x');
    expect(await main(['probe', '--out', join(file, 'sub')], c.io, suites)).toBe(2);
    expect(c.err.join('\n')).toMatch(/is a file, not a folder/);
    expect(seen).toHaveLength(0);
  });

  it('a suite that throws exits 1 with its message', async () => {
    const { suites } = recordingRegistry(() => {
      throw new Error('boom');
    });
    const c = capture();
    expect(await main(['probe'], c.io, suites)).toBe(1);
    expect(c.err.join('\n')).toContain('bench probe: boom');
  });
});
