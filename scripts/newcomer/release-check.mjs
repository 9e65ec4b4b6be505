// The release dry run, in a temporary copy of the repository (nothing here is changed):
// `changeset version` must give every published package version 0.1.0 (one fixed group)
// and a CHANGELOG.md, internal dependencies must follow (^0.1.0), and `npm publish
// --dry-run` must succeed for each package.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Copies the files git knows (tracked or new, not ignored) plus the build outputs into `dest`. */
function copyRepository(root, dest, packageDirs) {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) {
    if (!existsSync(join(root, file))) continue; // deleted in the work tree
    mkdirSync(dirname(join(dest, file)), { recursive: true });
    cpSync(join(root, file), join(dest, file));
  }
  for (const dir of packageDirs) {
    for (const built of ['dist', 'wasm']) {
      const from = join(root, 'packages', dir, built);
      if (existsSync(from)) cpSync(from, join(dest, 'packages', dir, built), { recursive: true });
    }
  }
  symlinkSync(join(root, 'node_modules'), join(dest, 'node_modules'), 'dir');
}

/** The checks, over the published packages `published` ([{ dir, manifest }]). */
export function releaseChecks(root, work, published, expected = '0.1.0') {
  const copy = join(work, 'repo');
  copyRepository(root, copy, published.map((p) => p.dir));
  const checks = [];
  const version = spawnSync(process.execPath, [join(copy, 'node_modules', '@changesets', 'cli', 'bin.js'), 'version'], { cwd: copy, encoding: 'utf8' });
  checks.push({ name: 'changeset version (in a copy)', ok: version.status === 0, detail: version.status === 0 ? 'ran' : `${version.stdout}${version.stderr}`.slice(-800) });
  for (const { dir, manifest } of published) {
    const after = JSON.parse(readFileSync(join(copy, 'packages', dir, 'package.json'), 'utf8'));
    const internal = Object.entries({ ...after.dependencies, ...after.peerDependencies }).filter(([n]) => n.startsWith('@shampoo-ts/'));
    const stale = internal.filter(([, range]) => range !== `^${expected}`).map(([n, r]) => `${n}@${r}`);
    const changelog = existsSync(join(copy, 'packages', dir, 'CHANGELOG.md'));
    checks.push({
      name: `${manifest.name} versioned ${expected}`,
      ok: after.version === expected && changelog && stale.length === 0,
      detail: `version ${after.version}, CHANGELOG.md ${changelog ? 'written' : 'missing'}${stale.length ? `, stale internal ranges: ${stale.join(', ')}` : ''}`,
    });
  }
  // One npm call publishes (dry run) every non-private workspace, printing "+ name@version" for each.
  const publish = spawnSync('npm', ['publish', '--dry-run', '--workspaces', '--loglevel=warn'], { cwd: copy, encoding: 'utf8' });
  const output = `${publish.stdout}${publish.stderr}`;
  for (const { manifest } of published) {
    const line = `+ ${manifest.name}@${expected}`;
    checks.push({ name: `npm publish --dry-run ${manifest.name}`, ok: publish.status === 0 && output.includes(line), detail: output.includes(line) ? `${line} (exit ${publish.status})` : output.trim().split('\n').slice(-3).join(' / ').slice(-300) });
  }
  return checks;
}
