// The report document and everything that reads it: JUnit, diff, closing line, GitHub
// annotations, the expectations update and the matrix page's HTML. Pure functions, table tests.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { caseCatalog, caseInfo } from '../conformance/catalog.ts';
import { planUpdate } from '../conformance/expectations-update.ts';
import { diffRuns } from '../conformance/report/diff.ts';
import { matrixDocument, mergeRuns, readRuns, type ResultDoc, type RunDoc } from '../conformance/report/document.ts';
import { annotations, stepSummary } from '../conformance/report/github.ts';
import { matrixHtml } from '../conformance/report/html.ts';
import { caseSource, writeSpecSite } from '../conformance/report/spec-site.ts';
import { junitReport } from '../conformance/report/junit.ts';
import { closingLines, resultLine, summaryText } from '../conformance/report/terminal.ts';
import { summarize, type Status } from '../conformance/verdict.ts';
import { tempDir } from './temp-dirs.ts';

const result = (id: string, cls: string, status: Status, over: Partial<ResultDoc> = {}): ResultDoc => ({
  id,
  class: cls,
  level: 'MUST',
  status,
  durationMs: 1500,
  message: status === 'pass' ? '' : `${id} missed`,
  evidence: {},
  ...over,
});

function runDoc(results: ResultDoc[], over: Partial<RunDoc> = {}): RunDoc {
  return {
    kit: { name: 'k', version: '1' },
    target: { name: 'srv', version: '1.0', driver: 'process', dir: 'targets/srv' },
    wallMs: 4000,
    summary: summarize(results),
    classes: [...new Set(results.map((r) => r.class))],
    results,
    ...over,
  };
}

describe('JUnit', () => {
  const results = [
    result('http.a', 'sync', 'fail', { message: 'bad <x> & "y"\nsecond line', evidence: { status: 500, 'server0.logs': 'Booting worker\nTraceback' } }),
    result('http.a', 'async', 'pass'),
    result('http.b', 'sync', 'warn', { level: 'SHOULD' }),
    result('http.c', 'sync', 'xfail', { expectation: { reason: 'known bug #1' } }),
    result('lifecycle.d', 'sync', 'error', { message: 'never ready' }),
    result('lifecycle.e', 'sync', 'unsupported'),
  ];
  test('unique names per (id, class), escaped text, evidence and logs in the test case', () => {
    const xml = junitReport(runDoc(results));
    expect(xml).toContain('name="http.a [sync]"');
    expect(xml).toContain('name="http.a [async]"');
    expect(xml).toContain('bad &lt;x&gt; &amp; &quot;y&quot;\nsecond line');
    expect(xml).toMatch(/evidence: \{\n {2}&quot;status&quot;: 500\n\}/);
    expect(xml).toContain('server0.logs:\nBooting worker\nTraceback');
    expect(xml).toMatch(/<testsuite name="http" tests="4" failures="1" errors="0" skipped="2" time="6.000">/);
    expect(xml).toMatch(/<testsuites name="srv 1.0" tests="6" failures="1" errors="1" skipped="3" time="4.000">/);
  });
  test('a failed comparison shows its expected and actual values, as data in the JSON', () => {
    const compared = result('http.a', 'sync', 'fail', { expected: { code: 0, signal: null }, actual: { code: 1, signal: null } });
    expect(junitReport(runDoc([compared]))).toContain('expected: {&quot;code&quot;:0,&quot;signal&quot;:null}\nactual:   {&quot;code&quot;:1,&quot;signal&quot;:null}');
    expect(junitReport(runDoc([result('http.a', 'sync', 'fail')]))).not.toContain('actual:');
  });
  test('a warn that fails the run under --strict is a <failure>, so the dashboard agrees with the exit code', () => {
    const strict = junitReport(runDoc(results), true);
    expect(strict).toMatch(/name="http.b \[sync\]" time="1.500"><failure message="warn: http.b missed" type="warn">/);
    expect(strict).toMatch(/<testsuite name="http" tests="4" failures="2" errors="0" skipped="1"/);
    const lenient = junitReport(runDoc(results));
    expect(lenient).toMatch(/name="http.b \[sync\]" time="1.500"><skipped message="warn: http.b missed"\/>/);
  });
});

describe('diff', () => {
  // Each row: a case, its status in the old run and in the new one (undefined: not in that run).
  const transitions: Array<[string, Status | undefined, Status | undefined, Partial<ResultDoc>?]> = [
    ['a.pass-fail', 'pass', 'fail'],
    ['a.pass-xfail', 'pass', 'xfail'],
    ['a.pass-error', 'pass', 'error'],
    ['a.fail-pass', 'fail', 'pass'],
    ['a.xfail-xpass', 'xfail', 'xpass'],
    ['a.xfail-fail', 'xfail', 'fail'],
    ['a.level', 'warn', 'fail', { level: 'SHOULD' }], // SHOULD before, MUST now
    ['a.same', 'fail', 'fail'],
    ['a.gone', 'pass', undefined],
    ['a.new', undefined, 'pass'],
    ['a.unsupported-fail', 'unsupported', 'fail'],
  ];
  const old = runDoc(transitions.filter(([, before]) => before).map(([id, before, , over]) => result(id, 'sync', before!, over)));
  const now = runDoc(transitions.filter(([, , after]) => after).map(([id, , after]) => result(id, 'sync', after!)));
  const ids = (entries: Array<{ id: string }>) => entries.map((e) => e.id).sort();
  test('judges what the server did, not the raw status', () => {
    const diff = diffRuns([old], [now]);
    expect(ids(diff.worse)).toEqual(['a.pass-error', 'a.pass-fail', 'a.pass-xfail']);
    expect(ids(diff.fixed)).toEqual(['a.fail-pass', 'a.xfail-xpass']);
    expect(ids(diff.changed)).toEqual(['a.level', 'a.unsupported-fail', 'a.xfail-fail']);
    expect(ids(diff.added)).toEqual(['a.new']);
    expect(ids(diff.removed)).toEqual(['a.gone']);
  });
  test('the same run twice differs in nothing', () => {
    expect(Object.values(diffRuns([now], [now])).flat()).toEqual([]);
  });
  test('a target run under two drivers in one matrix is keyed by driver too', () => {
    const container = runDoc([result('a.pass-fail', 'sync', 'pass')], { target: { ...old.target, driver: 'container' } });
    const diff = diffRuns([old, container], [now, container]);
    expect(diff.worse.map((e) => e.key)).toContain('srv (process): a.pass-fail [sync]');
    const other = runDoc([result('a.pass-fail', 'sync', 'pass')], { target: { ...old.target, dir: 'builds/next' } });
    expect(diffRuns([old, other], [now, other]).worse.map((e) => e.key)).toEqual(['srv (process, targets/srv): a.pass-fail [sync]', 'srv (process, targets/srv): a.pass-xfail [sync]', 'srv (process, targets/srv): a.pass-error [sync]']);
  });
});

describe('closing line', () => {
  const results = [result('a', 's', 'pass'), result('b', 's', 'xfail'), result('c', 's', 'warn', { level: 'SHOULD' }), result('d', 's', 'unsupported'), result('e', 's', 'fail')];
  test('its counts say which statuses they hold, and add up to the summary', () => {
    expect(closingLines(results, false)).toEqual([
      'counted: passed = 1 pass + 1 warn (SHOULD missed; --strict fails it) + 1 xfail; failed = 1 fail; skipped = 1 unsupported',
      'conform: 3 passed, 1 failed, 1 skipped',
    ]);
    expect(closingLines(results, true)[1]).toBe('conform: 2 passed, 2 failed, 1 skipped');
  });
  test("a SHOULD's unexpected pass is counted with the passed, a MUST's with the failed", () => {
    const both = [result('f', 's', 'xpass', { level: 'SHOULD' }), result('g', 's', 'xpass')];
    expect(closingLines(both, false)).toEqual([
      'counted: passed = 1 xpass (SHOULD passed against its expectation; --strict fails it); failed = 1 xpass; skipped = 0',
      'conform: 1 passed, 1 failed, 0 skipped',
    ]);
    expect(closingLines(both, true)[1]).toBe('conform: 0 passed, 2 failed, 0 skipped');
  });
});

describe('terminal summary', () => {
  const doc = runDoc([
    result('a.should', 's', 'warn', { level: 'SHOULD', message: 'slow' }),
    result('a.broken', 's', 'error', { message: 'kit broke' }),
    result('a.must', 's', 'fail', { message: 'bad' }),
    result('a.listed', 's', 'xpass'),
    ...['x', 'y', 'z', 'w'].map((id) => result(`b.${id}`, 's', 'unsupported', { message: 'the target does not declare heartbeat' })),
    result('c.one', 's', 'unsupported', { message: 'needs multi-bind' }),
  ]);
  const text = summaryText(doc, false);
  test('needs attention lists what fails the run first, then errors, then SHOULDs missed', () => {
    const order = [...text.matchAll(/^ {2}(FAIL|XPASS|ERROR|WARN) (\S+)/gm)].map((m) => m[2]);
    expect(order).toEqual(['a.must', 'a.listed', 'a.broken', 'a.should']);
  });
  test('unsupported runs are one line per reason, most first, a few named', () => {
    expect(text).toContain('    4 x the target does not declare heartbeat: b.x [s], b.y [s], b.z [s], ... (1 more)');
    expect(text).toContain('    1 x needs multi-bind: c.one [s]');
    expect(text.indexOf('4 x the target')).toBeLessThan(text.indexOf('1 x needs'));
  });
});

describe('terminal', () => {
  test('a failure shows its whole message, indented and capped, with explain and replay hints', () => {
    const long = ['the master exited before it was ready', 'Error: Cannot find module /app/server.js', ...Array.from({ length: 60 }, (_, i) => `log ${i}`)].join('\n');
    const line = resultLine(result('prefork.worker-count', 'sync', 'error', { message: long, replay: 'npx conform --target t --only prefork.worker-count' }), false);
    expect(line).toContain('\n            Error: Cannot find module /app/server.js');
    expect(line).toContain('... 22 more line(s) in the JSON report');
    expect(line).not.toContain('log 59');
    expect(line).toContain('explain: npx conform explain prefork.worker-count');
    expect(line).toContain('replay:  npx conform --target t --only prefork.worker-count');
  });
  test('an error or a changed miss shows its message even where an expectation names the case', () => {
    const expectation = { reason: 'hangs while booting' };
    const error = resultLine(result('lifecycle.model', 'eventlet', 'error', { message: 'target never became ready: 0 of 2 worker(s)', expectation }), false);
    expect(error).toContain('\n            target never became ready: 0 of 2 worker(s)');
    expect(error).not.toContain('(expected: hangs while booting)');
    const changed = resultLine(result('lifecycle.model', 'eventlet', 'fail', { message: 'the miss changed: ...', expectation }), false);
    expect(changed).toContain('the miss changed');
    expect(resultLine(result('lifecycle.model', 'eventlet', 'xfail', { message: 'm', expectation }), false)).toMatch(/\(expected: hangs while booting\)$/);
  });
  test('a failure whose settings the target\'s bounds moved says what was checked, with the values used', () => {
    const asRun = { requirement: 'killed within timeout + 3 s (6 s)', moved: ["timeout 3 (asked 2: the target's settings bounds)"] };
    const line = resultLine(result('lifecycle.heartbeat-timeout', 'sync', 'fail', { message: 'late', asRun }), false);
    expect(line).toContain("\n            late\n            as run: killed within timeout + 3 s (6 s); timeout 3 (asked 2: the target's settings bounds)\n");
    expect(junitReport(runDoc([result('lifecycle.heartbeat-timeout', 'sync', 'fail', { asRun })]))).toContain('as run: killed within timeout + 3 s (6 s); timeout 3 (asked 2: the target&apos;s settings bounds)');
    expect(resultLine(result('lifecycle.heartbeat-timeout', 'sync', 'pass', { asRun }), false)).not.toContain('as run');
  });
});

describe('GitHub annotations and step summary', () => {
  const id = caseCatalog()[0].id;
  const doc = runDoc([
    result(id, 'sync', 'fail', { message: 'expected 2 workers, saw 3: a, b\nsecond', replay: 'npx conform --only x' }),
    result(id, 'async', 'warn', { level: 'SHOULD' }),
    result(id, 'gthread', 'pass'),
    result(id, 'eventlet', 'xfail'),
  ]);
  test("one annotation per case and kind, on the target's conform.json, naming the classes, escaped", () => {
    const located = { ...doc, target: { ...doc.target, dir: 'servers/srv' } };
    const lines = annotations(located, false);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(`::error file=servers/srv/conform.json,title=srv%3A ${id} [sync] fail::expected 2 workers, saw 3: a, b%0Asecond%0Asee Unicorn docs: DESIGN (all workers share a common set of listener sockets; load balancing between them is done by the kernel): https://yhbt.net/unicorn/DESIGN.html%0Adefined in the kit at ${caseInfo(id)!.location}%0Areplay: npx conform --only x`);
    expect(lines[1]).toMatch(/^::warning file=servers\/srv\/conform.json,title=srv%3A .* \[async\] warn::/);
    expect(annotations(located, true)[1]).toMatch(/^::error /);
    // Outside the workspace (or no dir): no file, the annotation goes on the run.
    expect(annotations({ ...doc, target: { ...doc.target, dir: '/elsewhere/srv' } }, false)[0]).toMatch(/^::error title=/);
  });
  test('a case missed in several classes is one annotation; past ten of a kind, one says how many more', () => {
    const many = runDoc([
      ...['sync', 'gthread', 'async'].map((cls) => result('a.same', cls, 'fail')),
      ...Array.from({ length: 12 }, (_, i) => result(`b.case${i}`, 'sync', 'fail')),
    ]);
    const lines = annotations(many, false);
    expect(lines.filter((l) => l.includes('a.same'))).toHaveLength(1);
    expect(lines[0]).toMatch(/a.same \[sync%2C gthread%2C async\] fail/); // commas escaped, as titles need
    expect(lines).toHaveLength(10);
    expect(lines[9]).toBe("::error file=targets/srv/conform.json,title=srv%3A 4 more::4 more errors: the job's step summary lists every one");
  });
  test('the step summary is a Markdown table of what needs attention', () => {
    const md = stepSummary(doc);
    expect(md).toContain('## conform: srv 1.0');
    expect(md).toContain(`| fail | \`${id}\` | sync | MUST | expected 2 workers, saw 3: a, b |`);
    expect(md).not.toContain('gthread |');
  });
});

describe('conform expectations --update', () => {
  const entries = [
    { id: 'http.fixed', class: 'sync', reason: 'old bug' },
    { id: 'http.glob*', reason: 'broad' },
    { id: 'http.gone', reason: 'was renamed' },
    { id: 'http.flaky', class: 'sync', reason: 'race' },
  ];
  const doc = runDoc(
    [
      result('http.fixed', 'sync', 'xpass', { expectation: { reason: 'old bug' } }),
      result('http.glob-a', 'sync', 'xfail'),
      result('http.glob-b', 'sync', 'xpass'),
      result('http.flaky', 'sync', 'xfail'),
      result('http.new', 'async', 'fail', { message: 'got 200\nmore' }),
      result('http.should', 'async', 'warn', { level: 'SHOULD' }),
      result('http.err', 'async', 'error'),
      result('http.wobbly', 'async', 'pass'),
    ],
    {
      stale: [{ id: 'http.gone', reason: 'was renamed' }],
      repeat: 3,
      verdictChanges: [
        { id: 'http.flaky', class: 'sync', statuses: ['xfail', 'xpass', 'xfail'] },
        { id: 'http.wobbly', class: 'async', statuses: ['fail', 'pass', 'pass'] },
      ],
    },
  );
  const update = planUpdate(entries, doc);
  test('new misses are added, marked unreviewed; errors never are (they are not verdicts)', () => {
    expect(update.added.map((e) => `${e.id} [${e.class}]`)).toEqual(['http.wobbly [async]', 'http.new [async]', 'http.should [async]']);
    const added = update.entries.find((e) => e.id === 'http.new')!;
    expect(added).toEqual({ id: 'http.new', class: 'async', reason: 'UNREVIEWED: fail (MUST): got 200', unreviewed: true });
    expect(update.entries.some((e) => e.id === 'http.err')).toBe(false);
  });
  test('entries whose results pass now and stale entries are removed; a glob over both is reported', () => {
    expect(update.removed.map((r) => r.entry.id)).toEqual(['http.fixed', 'http.gone']);
    expect(update.mixed.map((m) => [m.entry.id, m.passing])).toEqual([['http.glob*', ['http.glob-b [sync]']]]);
  });
  test('a verdict that flipped under --repeat becomes intermittent', () => {
    const flaky = update.entries.find((e) => e.id === 'http.flaky')!;
    expect(flaky.intermittent).toBe(true);
    expect(flaky.reason).toMatch(/^race \(flipped under --repeat 3: xfail -> xpass -> xfail\)$/);
    expect(update.entries[0]).toMatchObject({ id: 'http.wobbly', class: 'async', intermittent: true, unreviewed: true });
  });
});

describe('conform expectations --update, a case that misses in every class', () => {
  const doc = runDoc([
    result('lifecycle.everywhere', 'sync', 'fail', { message: 'no respawn' }),
    result('lifecycle.everywhere', 'gthread', 'fail', { message: 'no respawn' }),
    result('lifecycle.everywhere', 'async', 'unsupported'),
    result('lifecycle.somewhere', 'sync', 'fail'),
    result('lifecycle.somewhere', 'gthread', 'pass'),
    result('lifecycle.once', 'sync', 'warn', { level: 'SHOULD' }),
  ]);
  test('one entry without a class where every class it ran in misses; one per class otherwise', () => {
    const { added } = planUpdate([], doc);
    expect(added.map((e) => `${e.id} [${e.class ?? '*'}]`)).toEqual(['lifecycle.everywhere [*]', 'lifecycle.somewhere [sync]', 'lifecycle.once [sync]']);
    expect(added[0].reason).toBe('UNREVIEWED: fail (MUST): no respawn (every class: sync, gthread)');
  });
  test('a miss of a property case is intermittent: whether it misses depends on the inputs the seed generates', () => {
    const seeded = runDoc([result('lifecycle.model', 'async', 'fail', { message: 'property failed after 1 run(s): no respawn', evidence: { property: { seed: 5, runs: 1 } } })]);
    const [entry] = planUpdate([], seeded).added;
    expect(entry).toMatchObject({ id: 'lifecycle.model', class: 'async', intermittent: true, unreviewed: true });
    expect(entry.reason).toMatch(/^UNREVIEWED: fail \(MUST\): property failed after 1 run\(s\): no respawn \(a property case: another seed may generate inputs it passes with\)$/);
  });
  test('a class already listed keeps its entry; the rest get their own', () => {
    const { added } = planUpdate([{ id: 'lifecycle.everywhere', class: 'sync', reason: 'known' }], doc);
    expect(added.filter((e) => e.id === 'lifecycle.everywhere').map((e) => e.class)).toEqual(['gthread']);
  });
  test('the run counts unreviewed entries, not the results they cover', () => {
    const entry = { id: 'lifecycle.everywhere', reason: 'UNREVIEWED: x', unreviewed: true };
    const twice = runDoc([result('lifecycle.everywhere', 'sync', 'xfail', { expectation: entry }), result('lifecycle.everywhere', 'gthread', 'xfail', { expectation: entry }), result('http.x', 'sync', 'xfail', { expectation: { id: 'http.x', class: 'sync', reason: 'UNREVIEWED: x', unreviewed: true } })]);
    expect(summaryText(twice, false)).toMatch(/UNREVIEWED 2 expectation\(s\)/);
  });
});

describe('report documents', () => {
  test('shards of one run merge into the run; a result seen twice is reported', () => {
    const whole = [result('a.x', 'sync', 'pass'), result('a.y', 'sync', 'fail'), result('a.x', 'async', 'pass')];
    const { runs, duplicates } = mergeRuns([runDoc(whole.slice(0, 2), { wallMs: 3000 }), runDoc(whole.slice(2), { wallMs: 5000 }), runDoc([whole[0]])]);
    expect(runs).toHaveLength(1);
    expect(runs[0].results).toEqual(whole);
    expect(runs[0].summary).toEqual(summarize(whole));
    expect(runs[0].classes).toEqual(['sync', 'async']);
    expect(runs[0]).toMatchObject({ wallMs: 5000, shards: 3 });
    expect(duplicates).toEqual(['srv 1.0 (process, targets/srv): a.x [sync]']);
  });
  test('reading refuses what is not a report, naming the file and the fix', () => {
    const dir = tempDir('conform-doc-');
    const write = (name: string, text: string) => (fs.writeFileSync(path.join(dir, name), text), path.join(dir, name));
    expect(() => readRuns(write('a.json', '{'))).toThrow(/a.json: not valid JSON/);
    expect(() => readRuns(write('b.json', '{"x":1}'))).toThrow(/b.json: not a conform report .*--report-json/);
    expect(() => readRuns(write('c.json', JSON.stringify(runDoc([result('a', 's', 'pass'), { ...result('b', 's', 'pass'), status: 'ok' as Status }]))))).toThrow(/results\[1\] needs .* status/);
    expect(() => readRuns(path.join(dir, 'none.json'))).toThrow(/none.json: no such file/);
    const matrix = write('m.json', JSON.stringify(matrixDocument([runDoc([result('a', 's', 'pass')])])));
    expect(readRuns(matrix)).toHaveLength(1);
  });
});

describe('matrix page HTML', () => {
  test('every case of the spec is a row, every target x class a column, and no text breaks out of its element', () => {
    const hostile = '</script><script>alert(1)</script><b>';
    const runs = [
      runDoc([result('prefork.worker-count', 'sync', 'fail', { message: hostile })]),
      runDoc([result('prefork.worker-count', 'sync', 'pass'), result('no.such-case', 'async', 'pass')], { target: { name: 'other <srv>', version: '2', driver: 'container' } }),
    ];
    const html = matrixHtml(matrixDocument(runs));
    expect(html.match(/<tr class="case"/g)).toHaveLength(caseCatalog().length + 1);
    expect(html.match(/<th class="class">/g)).toHaveLength(3);
    expect(html).toContain('other &lt;srv&gt;');
    expect(html).not.toContain(hostile);
    expect(html.match(/<\/script>/g)).toHaveLength(2); // the data block's and the code's, nothing from a message
    expect(html).toContain('(not in this version of the spec)');
    // Self-contained: nothing to fetch. The references' addresses are data, made links on a click.
    expect(html).not.toMatch(/<(link|img)|src=|url\(|@import/);
    expect(html.replace(/<script type="application\/json" id="conform-data">[^<]*<\/script>/, '')).not.toMatch(/https?:\/\//);
    expect(html).toContain('https://www.rfc-editor.org/rfc/rfc9112#section-6.3');
  });
  test('an empty cell says whether the case does not apply to the class or was not run', () => {
    const syncOnly = caseCatalog().find((c) => c.classes.length === 1 && c.classes[0] === 'sync')!;
    const html = matrixHtml(matrixDocument([runDoc([result('prefork.worker-count', 'gthread', 'pass')])]));
    const row = (id: string) => html.slice(html.indexOf(`data-id="${id}"`), html.indexOf('</tr>', html.indexOf(`data-id="${id}"`)));
    expect(row(syncOnly.id)).toContain('<td class="cell none" title="does not apply to gthread">–</td>');
    expect(row('http.head-no-body')).toContain('<td class="cell none" title="not run">·</td>');
  });
});

describe('where the time went', () => {
  test("each group's wall time spans its first start to its last end; the slowest cases come first", async () => {
    const { timeText } = await import('../conformance/report/terminal.ts');
    const lines = timeText([
      result('http.a', 'sync', 'pass', { startedAt: 1000, durationMs: 2000 }),
      result('http.b', 'sync', 'pass', { startedAt: 1500, durationMs: 4000 }),
      result('lifecycle.c', 'sync', 'pass', { startedAt: 0, durationMs: 500 }),
    ], 2);
    expect(lines).toEqual([
      '',
      'Time by group (wall: first start to last end; cases: their durations added up):',
      '  http         wall   4.5 s  cases   6.0 s',
      '  lifecycle    wall   0.5 s  cases   0.5 s',
      '',
      'Slowest 2:',
      '    4.0 s  http.b [sync]',
      '    2.0 s  http.a [sync]',
    ]);
  });
});

describe('the spec site (conform docs)', () => {
  test('an index and a page per case, each with its references and its check; nothing to fetch', () => {
    const dir = tempDir('conform-site-');
    const files = writeSpecSite(dir, [runDoc([result('http.reject-cl-te', 'sync', 'xfail', { expectation: { reason: 'reads by Content-Length (curl: ...)' } })])]);
    expect(files).toHaveLength(caseCatalog().length + 1);
    for (const c of caseCatalog()) {
      const html = fs.readFileSync(path.join(dir, `${c.id}.html`), 'utf8');
      expect(caseSource(c.location), c.id).toContain(`id: '${c.id}'`);
      expect(html, c.id).toContain('<h2>The check</h2>');
      for (const r of c.refs.filter((x) => x.url)) expect(html, c.id).toContain(`href="${r.url!.replaceAll('&', '&amp;')}"`);
      expect(html).not.toMatch(/<script|<link|<img|src=|url\(|@import/);
    }
    const page = fs.readFileSync(path.join(dir, 'http.reject-cl-te.html'), 'utf8');
    expect(page).toMatch(/<td class="s-xfail">xfail<\/td><td>reads by Content-Length \(curl: \.\.\.\)<\/td>/);
    const index = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
    // By reference: the section, linked, with the cases that cite it.
    expect(index).toMatch(/<a href="https:\/\/www\.rfc-editor\.org\/rfc\/rfc9112#section-6\.1" rel="noreferrer">RFC 9112 section 6\.1<\/a><\/td><td>[^\n]*http\.reject-cl-te/);
  });
});
