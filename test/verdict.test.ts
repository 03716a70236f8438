import { describe, expect, test } from 'vitest';
import { exitCode, failsRun, judge, staleExpectations, statusOf, type Status } from '../conformance/verdict.ts';
import type { Level } from '../spec/harness/types.ts';
import { roundSeed, verdictChanges } from '../conformance/repeat.ts';
import type { CaseMeta } from '../conformance/outcome.ts';
import type { RunReport } from '../conformance/run.ts';

const meta = (over: Partial<CaseMeta>): CaseMeta => ({ id: 'http.keepalive', label: 'sync', level: 'MUST', outcome: 'pass', message: '', evidence: {}, seed: 1, ...over });

describe('statusOf', () => {
  test.each([
    ['pass', 'MUST', undefined, 'pass'],
    ['violation', 'MUST', undefined, 'fail'],
    ['violation', 'SHOULD', undefined, 'warn'],
    ['violation', 'MAY', undefined, 'warn'],
    ['violation', 'MUST', {}, 'xfail'],
    ['violation', 'SHOULD', {}, 'xfail'],
    ['pass', 'MUST', {}, 'xpass'],
    ['pass', 'MUST', { intermittent: true }, 'pass'],
    ['violation', 'MUST', { intermittent: true }, 'xfail'],
    ['error', 'MUST', {}, 'error'],
    ['unsupported', 'MUST', {}, 'unsupported'],
  ] as const)('%s at %s with expectation %j -> %s', (outcome, level, expectation, status) => {
    expect(statusOf({ outcome, level }, expectation)).toBe(status);
  });
});

describe('exitCode', () => {
  const of = (...statuses: Array<[Status, Level]>) => statuses.map(([status, level]) => ({ status, level }));
  test('0 when everything is as expected, warn included unless strict', () => {
    expect(exitCode(of(['pass', 'MUST'], ['xfail', 'MUST'], ['warn', 'SHOULD'], ['unsupported', 'MUST']))).toBe(0);
    expect(exitCode(of(['warn', 'SHOULD']), true)).toBe(1);
    expect(exitCode([])).toBe(0);
  });
  test('1 for fail and for unexpected passes of a MUST', () => {
    expect(exitCode(of(['fail', 'MUST']))).toBe(1);
    expect(exitCode(of(['xpass', 'MUST']))).toBe(1);
  });
  test("a SHOULD's unexpected pass is reported, failing the run only under --strict", () => {
    expect(exitCode(of(['xpass', 'SHOULD']))).toBe(0);
    expect(exitCode(of(['xpass', 'SHOULD']), true)).toBe(1);
  });
  test('2 when the harness could not do its job, whatever else happened', () => {
    expect(exitCode(of(['fail', 'MUST'], ['error', 'MUST']))).toBe(2);
  });
});

describe('failsRun, status by level by --strict', () => {
  test.each([
    ['pass', 'MUST', false, false],
    ['fail', 'MUST', false, true],
    ['warn', 'SHOULD', false, false],
    ['warn', 'SHOULD', true, true],
    ['xfail', 'MUST', true, false],
    ['xpass', 'MUST', false, true],
    ['xpass', 'SHOULD', false, false],
    ['xpass', 'SHOULD', true, true],
    ['unsupported', 'MUST', true, false],
    ['error', 'SHOULD', false, true],
  ] as const)('%s of a %s, strict %s -> %s', (status, level, strict, fails) => {
    expect(failsRun({ status, level }, strict)).toBe(fails);
  });
});

describe('an expectation that says what the miss looks like (seen)', () => {
  const entries = [{ id: 'http.date-header', reason: 'two Date headers', seen: 'the number of Date headers' }];
  test('a miss with that message is expected', () => {
    expect(judge(meta({ id: 'http.date-header', outcome: 'violation', message: 'the number of Date headers with a Date from the app: expected 1, got 2' }), 5, entries).status).toBe('xfail');
  });
  test('a miss with another message is not: it fails, saying the miss changed', () => {
    const result = judge(meta({ id: 'http.date-header', outcome: 'violation', message: 'Date is not an HTTP date' }), 5, entries);
    expect(result.status).toBe('fail');
    expect(result.message).toBe('the miss changed: the expectation says "the number of Date headers", the case said: Date is not an HTTP date');
    expect(judge(meta({ id: 'http.date-header', outcome: 'violation', level: 'SHOULD', message: 'other' }), 5, entries).status).toBe('warn');
  });
  test('several parts: any of them will do', () => {
    const two = [{ id: 'http.date-header', reason: 'r', seen: ['two Date', 'not an HTTP date'] }];
    expect(judge(meta({ id: 'http.date-header', outcome: 'violation', message: 'Date is not an HTTP date' }), 5, two).status).toBe('xfail');
    expect(judge(meta({ id: 'http.date-header', outcome: 'violation', message: 'other' }), 5, two).message).toBe('the miss changed: the expectation says "two Date" or "not an HTTP date", the case said: other');
  });
  test('a pass is still an unexpected pass', () => {
    expect(judge(meta({ id: 'http.date-header', outcome: 'pass' }), 5, entries).status).toBe('xpass');
  });
});

test('a comparison\'s expected and actual values go into the result as they are', () => {
  const result = judge(meta({ outcome: 'violation', message: 'm', expected: { between: [4, 6] }, actual: 9 }), 5, []);
  expect(result).toMatchObject({ status: 'fail', expected: { between: [4, 6] }, actual: 9 });
  expect(judge(meta({ outcome: 'violation', message: 'm' }), 5, [])).not.toHaveProperty('expected');
});

test('what the case checked with the values its server got goes into the result', () => {
  const asRun = { requirement: 'r (6 s)', moved: ['timeout 3 (asked 2: the target\'s settings bounds)'] };
  expect(judge(meta({ outcome: 'pass', asRun }), 5, [])).toMatchObject({ status: 'pass', asRun });
});

describe('expectations', () => {
  const entries = [
    { id: 'http.head-no-body', reason: 'r1' },
    { id: 'lifecycle.parent-death*', class: 'eventlet', reason: 'r2' },
    { id: 'gone.case', reason: 'r3' },
  ];
  test('match by id glob and class glob', () => {
    expect(judge(meta({ id: 'http.head-no-body', outcome: 'violation', level: 'SHOULD' }), 5, entries).status).toBe('xfail');
    expect(judge(meta({ id: 'lifecycle.parent-death-prompt', label: 'eventlet', outcome: 'violation' }), 5, entries).status).toBe('xfail');
    expect(judge(meta({ id: 'lifecycle.parent-death-prompt', label: 'sync', outcome: 'violation' }), 5, entries).status).toBe('fail');
  });
  test('stale entries are those matching no known (case, class)', () => {
    const known = [
      { id: 'http.head-no-body', label: 'sync' },
      { id: 'lifecycle.parent-death', label: 'eventlet' },
    ];
    expect(staleExpectations(entries, known).map((e) => e.id)).toEqual(['gone.case']);
  });
});

describe('--repeat', () => {
  test('each round draws a seed of its own, unless the seed was given (a replay keeps it)', () => {
    const drawn = [1, 2, 3].map((round) => roundSeed(77, round, false));
    expect(drawn[0]).toBe(77);
    expect(new Set(drawn).size).toBe(3);
    expect(drawn.every((s) => Number.isInteger(s) && s >= 0 && s < 2 ** 31)).toBe(true);
    expect([1, 2, 3].map((round) => roundSeed(77, round, true))).toEqual([77, 77, 77]);
  });
  test('under an intermittent expectation, pass and xfail are one verdict', () => {
    const expectation = { id: 'x', reason: 'racy', intermittent: true };
    const round = (status: string) => ({ results: [{ id: 'x', class: 'sync', status, expectation }] }) as unknown as RunReport;
    expect(verdictChanges([round('pass'), round('xfail'), round('pass')])).toEqual([]);
    expect(verdictChanges([round('pass'), round('error')])).toHaveLength(1);
  });
  const report = (statuses: Record<string, string>) =>
    ({ results: Object.entries(statuses).map(([id, status]) => ({ id, class: 'sync', status })) }) as unknown as RunReport;
  test('reports only the verdicts that changed, and results missing from a round', () => {
    const changes = verdictChanges([report({ a: 'pass', b: 'fail', c: 'pass' }), report({ a: 'pass', b: 'pass' })]);
    expect(changes).toEqual([
      { id: 'b', class: 'sync', statuses: ['fail', 'pass'] },
      { id: 'c', class: 'sync', statuses: ['pass', 'missing'] },
    ]);
  });
});
