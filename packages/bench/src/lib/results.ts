/** Where results go: bench-results/<suite>.json (+ plots), with the machine they came from. */
import { cpus, loadavg, totalmem } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  /** 1, 5 and 15 minute load averages when the suite started (others share the cores). */
  loadAverage: number[];
}

export function machineInfo(): MachineInfo {
  const c = cpus();
  return {
    cpu: c[0]?.model ?? 'unknown',
    cores: c.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** Writes `text` to outDir/file (creating outDir) and returns the path. */
export function writeOutput(outDir: string, file: string, text: string): string {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, file);
  writeFileSync(path, text);
  return path;
}
