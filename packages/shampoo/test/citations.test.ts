/**
 * Citations that resolve: sources, tests and docs cite the math by stable anchors of
 * docs/algorithms.md (`docs/algorithms.md#shampoo-step`, or `algorithms.md#...` in a link),
 * never by the section numbers of the spec outside the repo, nor by those of
 * docs/algorithms.md, which move when a section is added.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const doc = readFileSync(join(root, 'docs/algorithms.md'), 'utf8');

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
function headingSlug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');
}

/** Every anchor of a markdown text: explicit <a id="..."> and the headings'. */
function anchorsOf(text: string): Set<string> {
  const explicit = [...text.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]);
  const headings = [...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => headingSlug(m[1]));
  return new Set([...explicit, ...headings]);
}

const SKIP = new Set(['node_modules', 'dist', 'coverage', '.turbo']);
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;

/** Every source, test and script file of the packages, and every doc, relative to the root. */
function citingFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (SKIP.has(name) || name.startsWith('.')) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (SOURCE.test(name) && !name.endsWith('.d.ts')) out.push(relative(root, path));
    }
  };
  walk(join(root, 'packages'));
  for (const name of readdirSync(join(root, 'docs'))) if (name.endsWith('.md')) out.push(`docs/${name}`);
  return out;
}

const files = citingFiles().map((path) => ({ path, text: readFileSync(join(root, path), 'utf8') }));

describe('citations of docs/algorithms.md', () => {
  it('docs/algorithms.md has the anchors the sources rely on, and a paper for each recipe', () => {
    const anchors = anchorsOf(doc);
    for (const a of ['recipes', 'recipe-shampoo', 'recipe-soap', 'recipe-kl-shampoo', 'recipe-muon', 'shampoo-step', 'shampoo-defaults', 'known-answers']) {
      expect(anchors.has(a), `anchor #${a}`).toBe(true);
    }
    const recipes = doc.slice(doc.indexOf('<a id="recipes">'), doc.indexOf('<a id="grafting">'));
    for (const row of recipes.split('\n').filter((l) => l.includes('<a id="recipe-'))) expect(row).toMatch(/(arXiv|ICML|NeurIPS|blog post)/);
  });

  it('every cited anchor exists', () => {
    const anchors = anchorsOf(doc);
    const cited = files.flatMap(({ path, text }) => {
      const here = path === 'docs/algorithms.md' ? [...text.matchAll(/\]\(#([\w-]+)\)/g)] : [];
      const there = [...text.matchAll(/algorithms\.md#([\w-]+)/g)];
      return [...here, ...there].map((m) => ({ path, anchor: m[1] }));
    });
    expect(cited.length).toBeGreaterThan(15);
    expect(cited.filter((c) => !anchors.has(c.anchor)).map((c) => `${c.path}: #${c.anchor}`)).toEqual([]);
  });

  it('nothing cites a section by number, of the outside spec or of docs/algorithms.md', () => {
    const byNumber = files.flatMap(({ path, text }) =>
      [...text.matchAll(/\S*\balgorithm\.md\b[^\n]*|algorithms\.md\)?,? sections? \d[^\n]*/g)]
        .filter((m) => !/spec\/algorithm\.md`?[^\n]*$/.test(m[0]) || /spec\/algorithm\.md`?,? sections? \d/.test(m[0]))
        .map((m) => `${path}: ${m[0].slice(0, 60)}`),
    );
    const bare = files
      .filter(({ path }) => /^packages\/[^/]+\/(src|test)\//.test(path))
      .flatMap(({ path, text }) => [...text.matchAll(/\bsections? \d+(, steps? \d+)?/gi)].map((m) => `${path}: ${m[0]}`));
    expect([...byNumber, ...bare]).toEqual([]);
  });
});
