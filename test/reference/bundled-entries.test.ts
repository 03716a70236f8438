// `npm run build` bundles each entry Node starts on its own (scripts/bundle.mjs): a process then
// reads the server's code from one file instead of resolving and linking ~30 modules apart, which
// was a measurable part of a start. Packages and Node's modules stay imports of their own.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { KIT } from './prefork-process.ts';

const ENTRIES = JSON.parse(fs.readFileSync(path.join(KIT, 'scripts/bundle-entries.json'), 'utf8')) as string[];

/** The specifiers a built file imports, statically or with a literal import(). */
function importsOf(source: string): string[] {
  return [...source.matchAll(/\bfrom\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)|^import\s*["']([^"']+)["']/gm)].map((m) => m[1] ?? m[2] ?? m[3]);
}

test.each(ENTRIES)('dist/reference/%s imports none of the server\'s own modules: they are inside it', (entry) => {
  const imports = importsOf(fs.readFileSync(path.join(KIT, 'dist/reference', entry), 'utf8'));
  expect(imports.length).toBeGreaterThan(0); // node: modules at least: the reader reads imports
  expect(imports.filter((specifier) => specifier.startsWith('.') || specifier.startsWith('/'))).toEqual([]);
});

test('a module that finds files next to it still finds them from inside a bundle', () => {
  // Each such module is given its own URL (relative to the bundle): the files it names exist.
  const source = fs.readFileSync(path.join(KIT, 'dist/reference/workers/boot.js'), 'utf8');
  const own = [...source.matchAll(/new URL\("([^"]+)", import\.meta\.url\)/g)].map((m) => m[1]);
  expect(own).toEqual(expect.arrayContaining(['./first-thread.js', './stack-watch.js', '../gateway/app-sources.js']));
  for (const relative of own) expect(fs.existsSync(path.join(KIT, 'dist/reference/workers', relative)), relative).toBe(true);
});
