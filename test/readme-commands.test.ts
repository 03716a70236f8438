// Every command the README shows a user uses options the CLI has: `npx conform ...` lines are
// checked against the --help of their subcommand (or of the run), `npx prefork ...` against
// prefork's. A renamed or removed option fails here before a reader copies it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { KIT_DIR } from '../conformance/manifest.ts';

const SUBCOMMANDS = ['init', 'check', 'explain', 'matrix', 'report', 'diff', 'expectations'];
const BINS = { conform: 'bin/conform.js', prefork: 'reference/bin/prefork.js' } as const;

/** The README's command lines (continuations joined), comments dropped. */
function commands(): Array<{ bin: keyof typeof BINS; words: string[]; line: string }> {
  const text = fs.readFileSync(path.join(KIT_DIR, 'README.md'), 'utf8').replace(/\\\n\s*/g, ' ');
  return text
    .split('\n')
    .map((line) => line.replace(/\s+#\s.*$/, '').trim())
    .flatMap((line) => {
      const match = /^npx (conform|prefork)\b(.*)$/.exec(line);
      return match ? [{ bin: match[1] as keyof typeof BINS, words: match[2].trim().split(/\s+/).filter(Boolean), line }] : [];
    });
}

const helps = new Map<string, string>();
function helpOf(bin: keyof typeof BINS, sub?: string): string {
  const key = `${bin} ${sub ?? ''}`;
  if (!helps.has(key)) helps.set(key, execFileSync(process.execPath, [BINS[bin], ...(sub ? [sub] : []), '--help'], { cwd: KIT_DIR, encoding: 'utf8' }));
  return helps.get(key)!;
}

describe('the README\'s commands', () => {
  const found = commands();
  test('there are such commands (so this test can fail)', () => {
    expect(found.filter((c) => c.bin === 'conform').length).toBeGreaterThan(15);
    expect(found.some((c) => c.bin === 'prefork')).toBe(true);
  });
  test.each(found.map((c) => [c.line, c] as const))('%s', (_, { bin, words }) => {
    const sub = bin === 'conform' && SUBCOMMANDS.includes(words[0]) ? words[0] : undefined;
    const help = helpOf(bin, sub);
    const options = words.filter((w) => /^--?[a-zA-Z]/.test(w)).map((w) => w.split('=')[0]);
    const unknown = options.filter((o) => !new RegExp(`(^|[\\s,])${o.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([\\s,=]|$)`, 'm').test(help));
    expect(unknown, `not in \`${bin}${sub ? ` ${sub}` : ''} --help\``).toEqual([]);
  });
});
