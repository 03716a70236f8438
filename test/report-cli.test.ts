// The outputs of real runs through the CLI: --baseline, conform diff, GitHub annotations and step
// summary, conform expectations --update, conform matrix and conform report, and the matrix page
// in a real headless browser. The regression is a real one: the reference run with four workers
// whatever the case asks (prefork.worker-count, which asks for three, must fail; as the gunicorn
// mutant extra-worker), under the reference's own name so a baseline of the healthy reference
// applies to it. (Fewer workers than asked would never be ready: an error, not a fail.)
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { caseCatalog, caseInfo } from '../conformance/catalog.ts';
import { KIT_DIR } from '../conformance/manifest.ts';
import { tempDir } from './temp-dirs.ts';

const ID = 'prefork.worker-count';
const CASES = [ID, 'http.head-no-body'];

const conform = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  promisify(execFile)(process.execPath, ['bin/conform.js', ...args], { cwd: KIT_DIR, env: { ...process.env, GITHUB_ACTIONS: '', ...env }, maxBuffer: 1 << 24 }).then(
    (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
  );

/** Every document the kit writes validates against the schema it ships for other tools. */
const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(fs.readFileSync(path.join(KIT_DIR, 'conformance', 'report.schema.json'), 'utf8')));
function readValid(file: string) {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  expect(validate(doc), `${file}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
  return doc;
}

const dir = tempDir('conform-reports-');
const at = (name: string) => path.join(dir, name);
const REFERENCE = path.join(KIT_DIR, 'fixtures', 'targets', 'reference');

/** The reference target with `--workers 4` whatever the case asks for. */
function fourWorkersTarget(name: string): string {
  const target = at(name);
  fs.mkdirSync(target);
  const manifest = JSON.parse(fs.readFileSync(path.join(REFERENCE, 'conform.json'), 'utf8'));
  delete manifest.$schema;
  manifest.command = manifest.command.map((arg: string) => (arg === '{workers}' ? '4' : arg));
  fs.writeFileSync(path.join(target, 'conform.json'), JSON.stringify(manifest, null, 2) + '\n');
  return target;
}

const run = (target: string, report: string, more: string[] = [], env: NodeJS.ProcessEnv = {}) =>
  conform(['--target', target, '--driver', 'process', '--only', CASES.join(','), '--class', 'sync', '--seed', '7', '--report-json', report, ...more], env);

describe('bad input is refused before any work', () => {
  test('--seed must be a whole number', async () => {
    const { code, err } = await conform(['--seed', 'abc', '--list']);
    expect(code).toBe(2);
    expect(err).toMatch(/--seed.*expected a whole number/);
  });
  test('a report path that cannot be written is refused before the run; a missing directory is made', async () => {
    const refused = await conform(['--driver', 'process', '--only', ID, '--report-json', '/proc/no/such/r.json']);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/--report-json \/proc\/no\/such\/r.json: cannot write to \/proc\/no\/such/);
    expect(refused.out).not.toMatch(/seed/); // no run started
  });
  test('diff and report name the file that is not a report', async () => {
    fs.writeFileSync(at('junk.json'), '{"hello": 1}');
    const diff = await conform(['diff', at('junk.json'), at('junk.json')]);
    expect(diff.code).toBe(2);
    expect(diff.err).toMatch(/junk.json: not a conform report/);
    const report = await conform(['report', at('junk.json')]);
    expect(report.code).toBe(2);
    expect(report.err).toMatch(/--html FILE, --report-json FILE and\/or --junit FILE/);
  });
});

describe('comparing runs', () => {
  const broken = fourWorkersTarget('one-worker');
  let healthy: { code: number; out: string };
  beforeAll(async () => {
    healthy = await run(REFERENCE, at('nested/dir/healthy.json'));
  }, 60_000);

  test('a run writes its report into a directory it had to create', () => {
    expect(healthy.code, healthy.out).toBe(0);
    const doc = readValid(at('nested/dir/healthy.json'));
    expect(doc.results.map((r: { status: string }) => r.status)).toEqual(['pass', 'pass']);
    expect(doc.results[0].replay).toMatch(/^npx conform --target \S+ --driver process --class sync --only \S+ --seed 7$/);
    expect(doc.cases[ID].location).toBe(caseInfo(ID)!.location);
  });

  test('--label tells two runs of one target apart: in the report, the page, JUnit, and when merged', async () => {
    const [a, b] = await Promise.all([
      run(REFERENCE, at('label-a.json'), ['--label', 'node 20', '--junit', at('label-a.xml')]),
      run(REFERENCE, at('label-b.json'), ['--label', 'node 24']),
    ]);
    expect([a.code, b.code], a.out + b.out).toEqual([0, 0]);
    expect(a.out.split('\n')[0]).toMatch(/^conform: prefork \(reference\) 0\.1\.0 \[node 20\]/);
    expect(readValid(at('label-a.json')).target.label).toBe('node 20');
    expect(fs.readFileSync(at('label-a.xml'), 'utf8')).toMatch(/<testsuites name="prefork \(reference\) \[node 20\] 0\.1\.0"/);
    const { code, out } = await conform(['report', at('label-a.json'), at('label-b.json'), '--report-json', at('labels.json'), '--html', at('labels.html')]);
    expect(code, out).toBe(0);
    // Same name, version, driver and directory: without the labels these would merge as shards.
    expect(readValid(at('labels.json')).runs.map((r: { target: { label: string } }) => r.target.label)).toEqual(['node 20', 'node 24']);
    const page = fs.readFileSync(at('labels.html'), 'utf8');
    expect(page).toContain('node 20');
    expect(page).toContain('node 24');
  });

  test('--baseline fails a run on what got worse, names it, and says so in GitHub annotations and the step summary', async () => {
    const summary = at('step-summary.md');
    const { code, out } = await run(broken, at('broken.json'), ['--baseline', at('nested/dir/healthy.json'), '--junit', at('junit/broken.xml')], {
      GITHUB_ACTIONS: 'true',
      GITHUB_STEP_SUMMARY: summary,
    });
    expect(code, out).toBe(1);
    expect(out).toMatch(/Worse: held before, missed or not checkable now \(1\):\n {2}prefork \(reference\): prefork.worker-count \[sync\]: pass -> fail/);
    expect(out).toMatch(/1 worse, 0 fixed, 0 changed, 0 added, 0 removed: a regression/);
    // On the target's conform.json (where it lies inside the workspace), with where the kit defines the case.
    const annotation = out.split('\n').find((l) => l.startsWith('::error ') && l.includes('prefork.worker-count [sync] fail::'));
    expect(annotation, out).toMatch(/^::error (file=[^,]*conform\.json,)?title=prefork \(reference\)%3A prefork.worker-count \[sync\] fail::/);
    expect(annotation).toContain(`defined in the kit at ${caseInfo(ID)!.location}`);
    readValid(at('broken.json'));
    expect(fs.readFileSync(summary, 'utf8')).toMatch(/\| fail \| `prefork.worker-count` \| sync \| MUST \|/);
    expect(fs.readFileSync(at('junit/broken.xml'), 'utf8')).toMatch(/failures="1"/);
  }, 60_000);

  test('--baseline passes a run whose misses the baseline already had', async () => {
    const { code, out } = await run(broken, at('broken-again.json'), ['--baseline', at('broken.json')]);
    expect(out).toMatch(/0 worse, 0 fixed, 0 changed, 0 added, 0 removed: no regression/);
    expect(out).toMatch(/^conform: 1 passed, 1 failed, 0 skipped$/m); // the closing line still tells the truth
    expect(code, out).toBe(0);
  }, 60_000);

  test('--baseline of another target is refused before the run', async () => {
    const other = JSON.parse(fs.readFileSync(at('broken.json'), 'utf8'));
    fs.writeFileSync(at('other-target.json'), JSON.stringify({ ...other, target: { ...other.target, name: 'someone else' } }));
    const { code, err, out } = await run(REFERENCE, at('unused.json'), ['--baseline', at('other-target.json')]);
    expect(code).toBe(2);
    expect(err).toMatch(/--baseline .*other-target.json has no run of "prefork \(reference\)" \(it has "someone else"\)/);
    expect(out).not.toMatch(/seed/);
  });

  test('conform diff exits 1 naming the regression, 0 the other way round', async () => {
    const worse = await conform(['diff', at('nested/dir/healthy.json'), at('broken.json')]);
    expect(worse.code, worse.out).toBe(1);
    expect(worse.out).toMatch(/prefork.worker-count \[sync\]: pass -> fail\n {6}\S/);
    const better = await conform(['diff', at('broken.json'), at('nested/dir/healthy.json')]);
    expect(better.code, better.out).toBe(0);
    expect(better.out).toMatch(/Fixed: missed before, held now \(1\)/);
  });

  test('expectations --update writes the miss as unreviewed, names the file in conform.json, and the next run is as expected', async () => {
    const target = fourWorkersTarget('one-worker-expected');
    const dry = await conform(['expectations', '--update', '--from', at('broken.json'), '--target', target, '--dry-run']);
    expect(dry.out).toMatch(/1 added, 0 removed, 0 marked intermittent \(dry run: nothing written\)/);
    expect(fs.existsSync(path.join(target, 'expectations.json'))).toBe(false);
    const update = await conform(['expectations', '--update', '--from', at('broken.json'), '--target', target]);
    expect(update.code, update.err).toBe(0);
    const entries = JSON.parse(fs.readFileSync(path.join(target, 'expectations.json'), 'utf8')).expectations;
    expect(entries).toEqual([{ id: ID, class: 'sync', reason: expect.stringMatching(/^UNREVIEWED: fail \(MUST\): /), unreviewed: true }]);
    expect(JSON.parse(fs.readFileSync(path.join(target, 'conform.json'), 'utf8')).expectations).toBe('expectations.json');
    const next = await run(target, at('expected.json'));
    expect(next.out).toMatch(/XFAIL +prefork.worker-count \[sync\]/);
    expect(next.out).toMatch(/UNREVIEWED 1 expectation/);
    expect(next.code, next.out).toBe(0);
  }, 60_000);
});

// Debian's chromium; CI installs it (.ci/run), elsewhere the page test is skipped with a word.
const CHROMIUM = '/usr/bin/chromium';
const hasBrowser = fs.existsSync(CHROMIUM);
if (!hasBrowser && process.env.CI === 'true') throw new Error(`CI=true but ${CHROMIUM} is missing: .ci/run installs Debian's chromium`);
if (!hasBrowser) console.warn(`report-cli: ${CHROMIUM} missing: the matrix page browser test is skipped (apt-get install chromium)`);

describe('conform matrix and its page', () => {
  const broken = fourWorkersTarget('matrix-broken');
  let matrix: { code: number; out: string };
  let browser: Browser | undefined;
  beforeAll(async () => {
    matrix = await conform(['matrix', '-t', REFERENCE, '-t', broken, '--driver', 'process', '--only', CASES.join(','), '--class', 'sync,async', '--seed', '3', '--html', at('page/matrix.html'), '--report-json', at('page/matrix.json')]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  test('runs every target and writes one JSON with a run per target; exit 1 for the broken one', () => {
    expect(matrix.code, matrix.out).toBe(1);
    expect(matrix.out).not.toMatch(/^JSON report:/m); // one JSON, written once, by the matrix
    const doc = readValid(at('page/matrix.json'));
    expect(doc.kind).toBe('matrix');
    expect(doc.runs).toHaveLength(2);
    expect(doc.runs.map((r: { summary: { fail: number } }) => r.summary.fail)).toEqual([0, 2]);
    expect(doc.cases).toHaveLength(caseCatalog().length);
  });

  test('conform report rebuilds the page from saved runs; shards of one run merge back into it', async () => {
    const doc = JSON.parse(fs.readFileSync(at('page/matrix.json'), 'utf8'));
    const [one, two] = doc.runs;
    const half = (run: { results: unknown[] }, keep: 0 | 1) => ({ ...run, results: run.results.filter((_, i) => i % 2 === keep) });
    fs.writeFileSync(at('shard1.json'), JSON.stringify(half(two, 0)));
    fs.writeFileSync(at('shard2.json'), JSON.stringify(half(two, 1)));
    fs.writeFileSync(at('one.json'), JSON.stringify(one));
    const { code, out } = await conform(['report', at('one.json'), at('shard1.json'), at('shard2.json'), '--report-json', at('merged.json'), '--html', at('merged.html')]);
    // The broken copy's failures fail the merge, as they failed its run.
    expect(code, out).toBe(1);
    expect(out).toMatch(/conform report: exit 1: a merged run has results that fail it/);
    const merged = readValid(at('merged.json'));
    const key = (r: { id: string; class: string; status: string }) => `${r.id} [${r.class}] ${r.status}`;
    expect(merged.runs[1].results.map(key).sort()).toEqual(two.results.map(key).sort());
    expect(merged.runs[1].summary).toEqual(two.summary);
    expect(fs.readFileSync(at('merged.html'), 'utf8')).toContain('2 shards');
  });

  test.skipIf(!hasBrowser)('the page loads from disk in a real browser: every target and case, filters, and a cell opens its evidence', async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('request', (r) => !r.url().startsWith('file://') && problems.push(`fetched ${r.url()}`));
    await page.goto(`file://${at('page/matrix.html')}`);

    const heads = await page.locator('thead th.run .name').allTextContents();
    expect(heads).toEqual(['prefork (reference) 0.1.0', 'prefork (reference) 0.1.0']);
    expect(await page.locator('thead th.class').allTextContents()).toEqual(['sync', 'async', 'sync', 'async']);
    const ids = await page.locator('tr.case th.id code').allTextContents();
    expect(ids).toEqual(caseCatalog().map((c) => c.id));
    expect(await page.locator('#shown').textContent()).toBe(`${ids.length} of ${ids.length} cases shown`);

    // A failing cell opens the details panel with the message, the evidence and the replay command.
    const failing = page.locator(`tr.case[data-id="${ID}"] td.s-fail`).first();
    await failing.click();
    const details = page.locator('#details');
    await expect.poll(() => details.isVisible()).toBe(true);
    expect(await page.locator('#d-title').textContent()).toBe(`${ID} [sync]`);
    expect(await page.locator('#d-message').textContent()).toMatch(/worker/);
    // What the check waited for and what it saw, as the report's data has them.
    expect(await page.locator('#d-compared').textContent()).toMatch(/^expected: "(\d+ workers|the worker count)[^\n]*"\nactual: {3}"/);
    expect(await page.locator('#d-replay').textContent()).toMatch(new RegExp(`--only ${ID} --seed 3$`));
    expect(await page.locator('#d-facts').textContent()).toContain(caseInfo(ID)!.location);
    // Its references, each a link to where it is written.
    const refLinks = await page.locator('#d-facts a').evaluateAll((as) => as.map((a) => [a.textContent, (a as HTMLAnchorElement).href]));
    expect(refLinks).toEqual(caseInfo(ID)!.refs.filter((r) => r.url).map((r) => [r.text, r.url]));
    expect(refLinks.length).toBeGreaterThan(0);
    await page.keyboard.press('Escape');
    await expect.poll(() => details.isVisible()).toBe(false);

    // Filters: status "fail" leaves the rows with a failing cell; group "http" only http rows.
    await page.selectOption('#f-status', 'fail');
    expect(await page.locator('tr.case:not([hidden]) th.id code').allTextContents()).toEqual([ID]);
    await page.selectOption('#f-status', '');
    await page.selectOption('#f-group', 'http');
    const http = await page.locator('tr.case:not([hidden]) th.id code').allTextContents();
    expect(http.length).toBe(caseCatalog().filter((c) => c.group === 'http').length);
    expect(http.every((id) => id.startsWith('http.'))).toBe(true);
    await page.selectOption('#f-group', '');

    // The problems are linked from the first screen, and a link leads to the row.
    const link = page.locator(`.problems a[href="#case-${ID}"]`).first();
    expect(await link.textContent()).toMatch(new RegExp(`^FAIL ${ID.replace('.', '\\.')} \\[sync\\]`));
    await link.click();
    expect(await page.evaluate(() => location.hash)).toBe(`#case-${ID}`);

    // At 400 px a verdict is on the first screen: the case column shrinks, the level column goes.
    await page.setViewportSize({ width: 400, height: 800 });
    await page.evaluate(() => window.scrollTo(0, 0));
    const cell = await page.locator('tr.case:not([hidden]) td.cell').first().boundingBox();
    expect(cell, 'a verdict cell').not.toBeNull();
    expect(cell!.x + cell!.width).toBeLessThanOrEqual(400);
    expect(cell!.y).toBeLessThan(800);
    expect(await page.locator('td.level').first().isVisible()).toBe(false);
    expect(problems).toEqual([]);
  }, 60_000);

  test.skipIf(!hasBrowser)('conform docs: the spec as pages; a case page has its references as links and each target\'s verdicts', async () => {
    const { code, out } = await conform(['docs', '--out', at('site'), '--report', at('page/matrix.json')]);
    expect(code, out).toBe(0);
    browser ??= await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const fetched: string[] = [];
    page.on('request', (r) => !r.url().startsWith('file://') && fetched.push(r.url()));
    await page.goto(`file://${at('site/index.html')}`);
    const linked = await page.locator('table.cases td.id a').evaluateAll((as) => as.map((a) => a.textContent));
    expect(linked).toEqual(caseCatalog().map((c) => c.id));
    await page.locator(`a[href="${ID}.html"]`).first().click();
    expect(await page.locator('h1').textContent()).toBe(ID);
    const refs = await page.locator('ul a').evaluateAll((as) => as.map((a) => [a.textContent, (a as HTMLAnchorElement).href]));
    expect(refs).toEqual(caseInfo(ID)!.refs.filter((r) => r.url).map((r) => [r.text, r.url]));
    // The broken copy fails it in both classes, the reference passes.
    const verdicts = await page.locator('h2:has-text("Verdicts") + table tbody tr').evaluateAll((rows) => rows.map((r) => [...r.children].slice(1, 3).map((c) => c.textContent).join(' ')));
    expect(verdicts.sort()).toEqual(['async fail', 'async pass', 'sync fail', 'sync pass']);
    expect(await page.locator('pre code').textContent()).toContain(`id: '${ID}'`);
    // At 400 px nothing runs off the side but the check's own scrolling box.
    await page.setViewportSize({ width: 400, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(400);
    expect(fetched).toEqual([]);
  }, 60_000);
});

describe('--shard', () => {
  const selection = ['--target', REFERENCE, '--driver', 'process', '--only', 'prefork.*,http.head-no-body', '--class', 'sync', '--seed', '5'];
  test('four shards, merged by conform report, give the results of one run', async () => {
    const runs = await Promise.all([
      conform([...selection, '--report-json', at('shards/whole.json')]),
      // Two shards at a time beside the whole run: each is a small part of the plan.
      ...[1, 2].map((i) => conform([...selection, '--shard', `${i}/4`, '--report-json', at(`shards/part${i}.json`)])),
    ]);
    runs.push(...(await Promise.all([3, 4].map((i) => conform([...selection, '--shard', `${i}/4`, '--report-json', at(`shards/part${i}.json`)])))));
    for (const r of runs) expect(r.code, r.out).toBe(0);
    const parts = [1, 2, 3, 4].map((i) => readValid(at(`shards/part${i}.json`)));
    expect(parts.map((p) => p.shard)).toEqual(['1/4', '2/4', '3/4', '4/4']);
    expect(parts.every((p) => p.results.length > 0)).toBe(true);
    const merge = await conform(['report', ...[1, 2, 3, 4].map((i) => at(`shards/part${i}.json`)), '--report-json', at('shards/merged.json')]);
    expect(merge.code, merge.out).toBe(0);
    const [merged] = readValid(at('shards/merged.json')).runs;
    const whole = readValid(at('shards/whole.json'));
    const key = (r: { id: string; class: string; status: string }) => `${r.id} [${r.class}] ${r.status}`;
    expect(merged.results.map(key).sort()).toEqual(whole.results.map(key).sort());
    expect(merged.summary).toEqual(whole.summary);
    expect(merged).toMatchObject({ shards: 4 });
    expect(merged.shard).toBeUndefined();
    const diff = await conform(['diff', at('shards/whole.json'), at('shards/merged.json')]);
    expect(diff.out).toMatch(/0 worse, 0 fixed, 0 changed, 0 added, 0 removed/);
  }, 120_000);
});
