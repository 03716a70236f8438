// References as data (issue 25): links that point where they say, a key to look cases up by, and
// the rule that every MUST rests on a specification or a server's own documentation.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { GROUPS } from '../spec/index.ts';
import { asgi, citationGaps, docs, gunicornCode, gunicornIssues, note, pep3333, rackSpec, refKey, refMatches, refText, refUrl, rfc, type Citing, type Ref } from '../spec/harness/refs.ts';

const run = promisify(execFile);
const KIT = path.resolve(import.meta.dirname, '..');

describe('a reference in words, as a link, as a key', () => {
  test.each<[Ref, string, string | undefined, string[]]>([
    [rfc(9112, '6.3', 'item 5'), 'RFC 9112 section 6.3 (item 5)', 'https://www.rfc-editor.org/rfc/rfc9112#section-6.3', ['rfc9112#6.3']],
    [pep3333('The start_response() Callable'), 'PEP 3333 "The start_response() Callable"', 'https://peps.python.org/pep-3333/#the-start-response-callable', ['pep3333#the-start-response-callable']],
    [rackSpec('The Environment'), 'Rack SPEC "The Environment"', 'https://github.com/rack/rack/blob/main/SPEC.rdoc', ['rack#the-environment']],
    [asgi('lifespan', 'Startup Complete'), 'ASGI Lifespan spec "Startup Complete"', 'https://asgi.readthedocs.io/en/latest/specs/lifespan.html', ['asgi-lifespan#startup-complete']],
    [docs('gunicorn', 'settings#max-requests'), 'gunicorn docs: settings "max-requests"', 'https://docs.gunicorn.org/en/stable/settings.html#max-requests', ['gunicorn-docs#settings/max-requests']],
    [docs('unicorn', 'DESIGN'), 'Unicorn docs: DESIGN', 'https://yhbt.net/unicorn/DESIGN.html', ['unicorn-docs#design']],
    [gunicornCode('arbiter.py', 'murder_workers()'), 'gunicorn 20.1.0 arbiter.py murder_workers()', 'https://github.com/benoitc/gunicorn/blob/20.1.0/gunicorn/arbiter.py', ['gunicorn:arbiter.py#murder_workers']],
    [gunicornIssues([908, 2191]), 'gunicorn #908, #2191', 'https://github.com/benoitc/gunicorn/issues/908', ['gunicorn#908', 'gunicorn#2191']],
    [note('seen by hand'), 'seen by hand', undefined, ['note']],
  ])('%j', (ref, text, url, keys) => {
    expect(refText(ref)).toBe(text);
    expect(refUrl(ref)).toBe(url);
    expect(refKey(ref)).toEqual(keys);
  });

  test('a key answers for itself and what is under it, never for a longer number', () => {
    const section = rfc(9112, '6.3');
    expect(['rfc9112', 'RFC9112#6', 'rfc9112#6.3'].map((q) => refMatches(section, q))).toEqual([true, true, true]);
    expect(['rfc9112#6.30', 'rfc9112#63', 'rfc911', 'rfc9110'].map((q) => refMatches(section, q))).toEqual([false, false, false, false]);
    expect(refMatches(rfc(9112, '60'), 'rfc9112#6')).toBe(false);
    expect(refMatches(gunicornCode('arbiter.py', 'murder_workers()'), 'gunicorn:arbiter.py')).toBe(true);
    expect(refMatches(gunicornIssues([908, 2191]), 'gunicorn#2191')).toBe(true);
  });
});

describe('what a case must cite', () => {
  const base: Citing = { id: 'x.y', group: 'http', level: 'MUST', layer: 'model', refs: [] };
  test.each<[string, Partial<Citing>, boolean]>([
    ['nothing cited', { refs: [] }, false],
    ['an HTTP MUST with an RFC', { refs: [rfc(9112, '6.1')] }, true],
    ['an HTTP MUST with gunicorn docs only', { refs: [docs('gunicorn', 'settings#keepalive')] }, false],
    ['a gateway-profile MUST with code only', { group: 'gateway', layer: 'wsgi', refs: [gunicornCode('http/wsgi.py')] }, false],
    ['a gateway-profile MUST with PEP 3333', { group: 'gateway', layer: 'wsgi', refs: [pep3333('environ Variables')] }, true],
    ['a process MUST with code only', { group: 'lifecycle', refs: [gunicornCode('arbiter.py')] }, false],
    ['a process MUST with a server\'s documentation', { group: 'lifecycle', refs: [docs('unicorn', 'DESIGN')] }, true],
    ['a process SHOULD with an issue', { group: 'signals', level: 'SHOULD', refs: [gunicornIssues([2529])] }, true],
    ['a gunicorn-profile case with an RFC only', { layer: 'gunicorn', refs: [rfc(9110, '6.6.1')] }, false],
    ['a gunicorn-profile case with its code', { layer: 'gunicorn', refs: [gunicornCode('arbiter.py', 'handle_ttou()')] }, true],
  ])('%s', (_name, change, fine) => {
    expect(citationGaps([{ ...base, ...change }])).toHaveLength(fine ? 0 : 1);
  });

  test('every case of the spec cites what it must', () => {
    const cases = GROUPS.flatMap((g) => g.cases.map((c) => ({ id: c.id, group: g.name, level: c.level, layer: c.profile ?? 'model', refs: c.refs })));
    expect(citationGaps(cases)).toEqual([]);
  });
});

describe('conform --list --ref', () => {
  test('lists the cases citing a section, and only them', async () => {
    const { stdout } = await run(process.execPath, ['bin/conform.js', '--list', '--ref', 'rfc9112#6.1'], { cwd: KIT });
    const ids = [...stdout.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]);
    const citing = GROUPS.flatMap((g) => g.cases).filter((c) => c.refs.some((r) => refMatches(r, 'rfc9112#6.1'))).map((c) => c.id);
    expect(ids).toEqual(citing);
    expect(ids).toContain('http.reject-cl-te');
  });

  test('a key nothing cites is an error that says what keys look like', async () => {
    const outcome = await run(process.execPath, ['bin/conform.js', '--list', '--ref', 'rfc1'], { cwd: KIT }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/no case cites rfc1.*rfc9112#6\.3/);
  });
});
