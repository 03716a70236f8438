// Every MUST id must be broken by at least one mutant, and every mutant must name real ids.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { GROUPS } from '../spec/index.ts';
import { MUTANTS } from '../fixtures/mutants/catalog.ts';

const cases = GROUPS.flatMap((g) => g.cases);

describe('mutant catalogue', () => {
  test('covers every MUST id', () => {
    const covered = new Set(MUTANTS.flatMap((m) => m.fails.map(([id]) => id)));
    const missing = cases.filter((c) => c.level === 'MUST' && !covered.has(c.id)).map((c) => c.id);
    expect(missing).toEqual([]);
  });

  test('names only existing ids, in classes the case applies to', () => {
    for (const m of MUTANTS) {
      for (const [id, cls] of m.fails) {
        const found = cases.find((c) => c.id === id);
        expect(found, `${m.name} names unknown id ${id}`).toBeDefined();
        expect(!found!.classes || found!.classes.includes(cls), `${m.name}: ${id} does not apply to ${cls}`).toBe(true);
      }
    }
  });

  test('each edit of the reference matches its build exactly once, in a file a process runs', () => {
    const edited = MUTANTS.filter((m) => m.on === 'reference');
    expect(edited.length).toBeGreaterThan(0);
    // The server's other modules are inside these bundles (scripts/bundle.mjs): an edit of one
    // of them would change nothing the server runs.
    const entries = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '..', 'scripts', 'bundle-entries.json'), 'utf8')) as string[];
    for (const m of edited) {
      expect(m.edit, `${m.name} has no edit`).toBeDefined();
      expect(entries, `${m.name} edits ${m.edit!.file}, which no process runs`).toContain(m.edit!.file);
      const text = fs.readFileSync(path.resolve(import.meta.dirname, '..', 'dist', 'reference', m.edit!.file), 'utf8');
      expect(text.split(m.edit!.find).length - 1, `${m.name}: occurrences of its find text in dist/reference/${m.edit!.file}`).toBe(1);
    }
  });

  test('names are unique', () => {
    expect(new Set(MUTANTS.map((m) => m.name)).size).toBe(MUTANTS.length);
  });
});
