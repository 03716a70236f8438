// Every message of the kit that sends a reader to the README names a section the README has.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { KIT_DIR } from '../conformance/manifest.ts';

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(KIT_DIR, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : /\.(ts|js)$/.test(e.name) ? [path.join(dir, e.name)] : [],
  );
}

describe('pointers to the documentation', () => {
  const headings = new Set(
    fs
      .readFileSync(path.join(KIT_DIR, 'README.md'), 'utf8')
      .split('\n')
      .filter((l) => /^#{2,4} /.test(l))
      .map((l) => l.replace(/^#+ /, '').trim()),
  );
  const files = ['conformance', 'spec', 'reference', 'bin'].flatMap(sources);
  const pointers = files.flatMap((file) =>
    [...fs.readFileSync(path.join(KIT_DIR, file), 'utf8').matchAll(/see (?:the )?README(?:\.md)?(,? "([^"]*)")?/g)].map((m) => ({ file, section: m[2] })),
  );
  test('the kit has such messages (so this test can fail)', () => {
    expect(pointers.length).toBeGreaterThanOrEqual(2);
  });
  test.each(['manifest', 'engine'])('the %s messages name a section', (name) => {
    expect(pointers.some((p) => p.file.includes(name) && p.section)).toBe(true);
  });
  test('every "see README" names a section that exists', () => {
    const broken = pointers.filter((p) => !p.section || !headings.has(p.section)).map((p) => `${p.file}: ${p.section ?? '(no section named)'}`);
    expect(broken).toEqual([]);
  });
});
