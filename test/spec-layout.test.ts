// The spec's layout is its table of contents: a group is a folder, a case is a file named after
// its id, and a profile's cases sit in the profile's folder, so the layers show in the tree.
// Every case is where the rule says, alone in its file, and no file in the tree is a stray.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { caseCatalog, caseFile } from '../conformance/catalog.ts';
import { KIT_DIR } from '../conformance/manifest.ts';
import { GROUPS } from '../spec/index.ts';

/** Files of a group's folder that hold no case: the group's index and what its cases share. */
const NOT_CASES = /(^|\/)(index|support|model-commands)\.ts$/;

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, f));
}

/** The keys of an object literal whose text follows its opening brace (its nested literals' keys left out). */
function topLevelKeys(text: string): string[] {
  let end = 0;
  for (let depth = 1; end < text.length && depth > 0; end++) depth += text[end] === '{' ? 1 : text[end] === '}' ? -1 : 0;
  // Nested brackets emptied, innermost first, until none is left: what remains are its own keys.
  let literal = text.slice(0, end - 1);
  for (let before = ''; before !== literal; ) [before, literal] = [literal, literal.replace(/\{[^{}]*\}|\([^()]*\)|\[[^[\]]*\]/g, '')];
  return [...literal.matchAll(/(\w+)\s*:/g)].map((m) => m[1]);
}

describe('spec layout', () => {
  test('the rule: spec/<group>/[<profile>/]<id without the group and the profile>.ts', () => {
    expect(caseFile('lifecycle', 'lifecycle.respawn')).toBe('spec/lifecycle/respawn.ts');
    expect(caseFile('signals', 'signals.ttou-oldest-first', 'gunicorn')).toBe('spec/signals/gunicorn/ttou-oldest-first.ts');
    expect(caseFile('gateway', 'gateway.asgi.scope', 'asgi')).toBe('spec/gateway/asgi/scope.ts');
    expect(caseFile('gateway', 'gateway.environ.required', 'wsgi')).toBe('spec/gateway/wsgi/environ.required.ts');
  });

  test('every case is defined in its file, which defines no other case, and says where in the catalog', () => {
    for (const group of GROUPS) {
      for (const c of group.cases) {
        const file = caseFile(group.name, c.id, c.profile);
        const text = fs.readFileSync(path.join(KIT_DIR, file), 'utf8');
        expect([...text.matchAll(/^ {2}id: '([^']+)'/gm)].map((m) => m[1]), file).toEqual([c.id]);
        expect(caseCatalog().find((i) => i.id === c.id)?.location, c.id).toMatch(new RegExp(`^${file.replaceAll('.', '\\.')}:\\d+$`));
      }
    }
  });

  test('a group folder holds its cases, its index and its support files, nothing else', () => {
    const expected = new Set(GROUPS.flatMap((g) => g.cases.map((c) => caseFile(g.name, c.id, c.profile))));
    for (const group of GROUPS) {
      const dir = path.join(KIT_DIR, 'spec', group.name);
      for (const file of filesUnder(dir).map((f) => path.relative(KIT_DIR, f))) {
        if (NOT_CASES.test(file)) expect(fs.readFileSync(path.join(KIT_DIR, file), 'utf8'), file).not.toMatch(/^ {2}id: '/m);
        else expect(expected.has(file), `${file} is in the tree but no group lists a case in it`).toBe(true);
      }
    }
  });

  test("a case's settings are declared in its `server`, said once, not passed to t.start()", () => {
    // What a case starts is read by `explain` and by the requirement sentence from `server`; a
    // setting passed inline would be checked but never said. Only values known at run time
    // (a scaled environment variable) are passed to t.start().
    const inline: string[] = [];
    for (const file of filesUnder(path.join(KIT_DIR, 'spec'))) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\.start\(\{/g)) {
        const keys = topLevelKeys(text.slice(m.index + m[0].length)).filter((k) => k !== 'env');
        if (keys.length > 0) inline.push(`${path.relative(KIT_DIR, file)}: ${keys.join(', ')}`);
      }
    }
    expect(inline).toEqual([]);
  });
});
