/**
 * Output folders that are either fully written or untouched.
 *   checkWritableDir(dir)           - before a long run: proves that `dir` (or, if it does
 *                                     not exist yet, its nearest existing ancestor) accepts
 *                                     new files, by creating and removing a probe folder.
 *   writeFilesAtomically(dir, files) - writes every file into a fresh temporary folder
 *                                     inside `dir`, then renames them into place; on any
 *                                     failure the temporary folder (and `dir`, if this call
 *                                     created it) is removed and the error rethrown.
 */
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The nearest existing ancestor of `path` (or `path` itself if it exists). */
function nearestExisting(path: string): string {
  let p = resolve(path);
  while (!existsSync(p)) {
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  return p;
}

/** Throws an Error naming `dir` and the reason unless files can be written there. */
export function checkWritableDir(dir: string, flag = '--out'): void {
  const target = resolve(dir);
  const base = nearestExisting(target);
  if (!statSync(base).isDirectory()) {
    throw new Error(`${flag} ${dir}: ${base} is a file, not a folder; allowed: a folder that exists or can be created`);
  }
  try {
    rmdirSync(mkdtempSync(join(base, '.write-probe-')));
  } catch (e) {
    throw new Error(`${flag} ${dir}: cannot write into ${base} (${(e as Error).message}); allowed: a writable folder`);
  }
}

/** Writes `files` (name -> contents) into `dir` all or nothing; returns the written paths. */
export function writeFilesAtomically(dir: string, files: Readonly<Record<string, string>>): string[] {
  const target = resolve(dir);
  const created = !existsSync(target);
  let tmp: string | undefined;
  try {
    mkdirSync(target, { recursive: true });
    tmp = mkdtempSync(join(target, '.partial-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(tmp, name), text);
    const paths = Object.keys(files).map((name) => {
      renameSync(join(tmp as string, name), join(target, name));
      return join(target, name);
    });
    rmdirSync(tmp);
    return paths;
  } catch (e) {
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
    if (created) rmSync(target, { recursive: true, force: true });
    throw new Error(`cannot write the results into ${target}: ${(e as Error).message}`);
  }
}
