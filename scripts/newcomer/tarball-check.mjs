// What a package's tarball must and must not hold, from `npm pack --json`'s file list.
// Forbidden: TypeScript build info, node-gyp output and compiled addons (machine-specific,
// with absolute build paths), tests and fixtures, bench and build scripts other than the
// MPI addon's build script, caches. Required: package.json, LICENSE, README.md when the
// package has one, and every file its exports map points at (a wildcard: at least one file).

const FORBIDDEN = [
  [/\.tsbuildinfo$/, 'TypeScript build info'],
  [/(^|\/)native-build\//, 'node-gyp build output'],
  [/\.(o|node|obj|a)$/, 'a compiled object or addon'],
  [/(^|\/)(test|tests|__tests__|fixtures?)\//, 'tests or fixtures'],
  [/\.(test|spec)\.[cm]?[jt]s$/, 'a test file'],
  [/^scripts\/(?!build-mpi-addon\.mjs$)/, 'a bench or build script'],
  [/(^|\/)(\.turbo|node_modules)\//, 'a cache or node_modules'],
];

/** Every file path an exports map names (wildcard targets kept as patterns). */
export function exportTargets(exportsMap) {
  const out = new Set();
  const walk = (value) => {
    if (typeof value === 'string') out.add(value.replace(/^\.\//, ''));
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(exportsMap ?? {});
  return [...out];
}

/**
 * The problems with one tarball: `files` its paths, `manifest` its package.json,
 * `hasReadme` whether the package's folder has a README.md. Empty means it is fine.
 */
export function tarballProblems(files, manifest, hasReadme) {
  const problems = [];
  const set = new Set(files);
  for (const path of files) {
    for (const [pattern, what] of FORBIDDEN) if (pattern.test(path)) problems.push(`ships ${what}: ${path}`);
  }
  const required = ['package.json', 'LICENSE', ...(hasReadme ? ['README.md'] : [])];
  for (const path of required) if (!set.has(path)) problems.push(`lacks ${path}`);
  for (const target of exportTargets(manifest.exports)) {
    if (target.includes('*')) {
      const prefix = target.slice(0, target.indexOf('*'));
      if (!files.some((f) => f.startsWith(prefix))) problems.push(`exports ${target} but ships nothing under ${prefix}`);
    } else if (!set.has(target)) problems.push(`exports ${target} but does not ship it`);
  }
  return problems;
}
