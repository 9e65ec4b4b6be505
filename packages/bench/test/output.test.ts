import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkWritableDir, writeFilesAtomically } from '../src/output/atomic-output.js';
import { ProgressBar } from '../src/output/progress.js';
import { formatBytes } from '../src/output/format-bytes.js';
import { curvesPlot, sideBySide } from '../src/output/curves-plot.js';
import { choiceFlag, intFlag, numberListFlag, positiveFlag } from '../src/util/flag-values.js';
import type { RunResult } from '../src/train/run.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'bench-output-test-'));

describe('writeFilesAtomically', () => {
  it('writes every file into a new folder and leaves no temporary folder', () => {
    const root = scratch();
    const dir = join(root, 'a', 'b');
    const paths = writeFilesAtomically(dir, { 'x.json': '{"a":1}\n', 'y.svg': '<svg/>' });
    expect(paths).toEqual([join(dir, 'x.json'), join(dir, 'y.svg')]);
    expect(readdirSync(dir).sort()).toEqual(['x.json', 'y.svg']);
    expect(readFileSync(join(dir, 'x.json'), 'utf8')).toBe('{"a":1}\n');
    rmSync(root, { recursive: true });
  });

  it('replaces older files of the same name and keeps other files', () => {
    const root = scratch();
    writeFileSync(join(root, 'x.json'), 'old');
    writeFileSync(join(root, 'keep.txt'), 'mine');
    writeFilesAtomically(root, { 'x.json': 'new' });
    expect(readFileSync(join(root, 'x.json'), 'utf8')).toBe('new');
    expect(readFileSync(join(root, 'keep.txt'), 'utf8')).toBe('mine');
    expect(readdirSync(root).sort()).toEqual(['keep.txt', 'x.json']);
    rmSync(root, { recursive: true });
  });

  it('on a failure writes nothing: a folder it created is removed, an existing one keeps only its old files', () => {
    const root = scratch();
    const fresh = join(root, 'fresh');
    // A file name with a folder in it fails inside the temporary folder.
    expect(() => writeFilesAtomically(fresh, { 'ok.json': '1', 'no/such.svg': '2' })).toThrow(/cannot write the results into/);
    expect(existsSync(fresh)).toBe(false);
    writeFileSync(join(root, 'old.txt'), 'x');
    expect(() => writeFilesAtomically(root, { 'ok.json': '1', 'no/such.svg': '2' })).toThrow(/cannot write the results into/);
    expect(readdirSync(root).sort()).toEqual(['old.txt']);
    rmSync(root, { recursive: true });
  });
});

describe('checkWritableDir', () => {
  it('accepts an existing folder and a folder that can be created, leaving nothing behind', () => {
    const root = scratch();
    checkWritableDir(root);
    checkWritableDir(join(root, 'not', 'yet'));
    expect(readdirSync(root)).toEqual([]);
    rmSync(root, { recursive: true });
  });

  it('rejects a path under a file, naming the flag and the path', () => {
    const root = scratch();
    writeFileSync(join(root, 'file'), 'x');
    expect(() => checkWritableDir(join(root, 'file', 'sub'))).toThrow(/--out .*file\/sub: .* is a file, not a folder/);
    rmSync(root, { recursive: true });
  });

  it('rejects a folder it cannot write into', () => {
    expect(() => checkWritableDir('/proc/self/no-such-dir')).toThrow(/--out \/proc\/self\/no-such-dir: cannot write into/);
    const root = scratch();
    chmodSync(root, 0o500);
    const isRoot = process.getuid?.() === 0;
    if (!isRoot) expect(() => checkWritableDir(root)).toThrow(/cannot write into/);
    chmodSync(root, 0o700);
    rmSync(root, { recursive: true });
  });
});

describe('ProgressBar', () => {
  const sink = (isTTY: boolean) => {
    const chunks: string[] = [];
    return { chunks, stream: { isTTY, write: (t: string) => chunks.push(t) } };
  };

  it('off a terminal: plain lines at each tenth and at the end, never a carriage return', () => {
    const { chunks, stream } = sink(false);
    const bar = new ProgressBar('AdamW', 95, stream);
    for (let k = 1; k <= 95; k++) bar.update(k, 0.5, k / 10);
    bar.finish();
    expect(chunks.length).toBe(11); // tenths 0..9 and the end
    expect(chunks.every((c) => c.endsWith('\n') && !c.includes('\r'))).toBe(true);
    expect(chunks.at(-1)).toContain('95/95  loss 0.5000  10.0 steps/s');
  });

  it('on a terminal: redraws one line in place and ends it with a newline', () => {
    const { chunks, stream } = sink(true);
    const bar = new ProgressBar('Shampoo', 3, stream);
    bar.update(1, 1, 1);
    bar.update(3, 0.25, 2);
    bar.finish('done');
    expect(chunks[0].startsWith('\r')).toBe(true);
    expect(chunks[1]).toContain('[####################] 3/3  loss 0.2500  1.5 steps/s');
    expect(chunks.at(-1)).toBe('  done\n');
  });

  it('the bar has `width` cells and fills in proportion', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 1000 }), (total, k) => {
        fc.pre(k <= total);
        const text = new ProgressBar('x', total, { write: () => 0 }).text(k, 1, 1);
        const cells = /\[([#-]+)\]/.exec(text)?.[1] ?? '';
        expect(cells).toHaveLength(20);
        expect(cells.split('#').length - 1).toBe(Math.round((20 * k) / total));
      }),
    );
  });
});

describe('formatBytes and flag values', () => {
  it('formatBytes: binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(102480)).toBe('100.1 KiB');
    expect(formatBytes(1.5 * 1024 ** 2)).toBe('1.50 MiB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.00 GiB');
  });

  it('flags: defaults when absent, values checked with the flag, the value and the range in the message', () => {
    expect(intFlag('steps', undefined, 7)).toBe(7);
    expect(intFlag('steps', '12', 7)).toBe(12);
    expect(() => intFlag('steps', 'ten', 7)).toThrow('--steps = "ten" is not allowed; allowed: an integer in [1, 1000000]');
    expect(() => intFlag('steps', '1.5', 7)).toThrow(/--steps = "1.5"/);
    expect(() => intFlag('steps', '0', 7)).toThrow(/--steps = "0"/);
    expect(positiveFlag('lr', '3e-3', 1)).toBe(0.003);
    expect(() => positiveFlag('lr', '-1', 1)).toThrow('--lr = "-1" is not allowed; allowed: a number in (0, Infinity)');
    expect(() => positiveFlag('lr', 'NaN', 1)).toThrow(/--lr = "NaN"/);
    expect(positiveFlag('weight-decay', '0', 1, 1, true)).toBe(0);
    expect(() => positiveFlag('weight-decay', '2', 1, 1, true)).toThrow('allowed: a number in [0, 1]');
    expect(choiceFlag('backend', 'cpu', 'wasm', ['cpu', 'wasm'])).toBe('cpu');
    expect(() => choiceFlag('backend', 'tpu', 'wasm', ['cpu', 'wasm'])).toThrow('--backend = "tpu" is not allowed; allowed: cpu, wasm');
    expect(numberListFlag('lrs', '1e-3, 3e-3', [1])).toEqual([0.001, 0.003]);
    expect(() => numberListFlag('lrs', '1e-3,x', [1])).toThrow(/--lrs = "1e-3,x"/);
  });
});

describe('figures', () => {
  const run = (label: string, k: number): RunResult => ({
    label, trainLoss: [1], stepMs: [1], stateBytes: 1, target: null, diverged: false,
    evals: [0, 1, 2].map((i) => ({ step: 10 * i, seconds: i * k, testLoss: 2 / (i + 1), testAccuracy: 0.5 })),
  });

  it('sideBySide places each chart at its offset in one document', () => {
    const svg = sideBySide(['<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"><g/></svg>', '<svg xmlns="http://www.w3.org/2000/svg" width="70" height="80"></svg>']);
    expect(svg).toContain('width="170" height="80"');
    expect(svg).toContain('<svg x="0" y="0" xmlns');
    expect(svg).toContain('<svg x="100" y="0" xmlns');
  });

  it('curvesPlot draws both panels with one line per run plus the target', () => {
    const svg = curvesPlot('MNIST', [run('AdamW', 1), run('Shampoo', 2)], 0.5);
    expect(svg.match(/<path /g)).toHaveLength(6);
    expect(svg).toContain('test loss vs steps');
    expect(svg).toContain('test loss vs time');
    expect(svg).toContain('target 0.5');
  });
});
