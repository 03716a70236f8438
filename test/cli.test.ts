// The conform command's contract: exit codes and messages for bad input.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { allProcesses } from '../conformance/drivers/proc.ts';
import { eventually } from '../spec/harness/eventually.ts';
import { KIT, runConform } from './conform-cli.ts';
import { tempDir } from './temp-dirs.ts';

// Runs against a target pin the process driver: these tests are about the runner, not the engine.
const conform = (...args: string[]) =>
  runConform([...args, ...(args.includes('--target') ? ['--driver', 'process'] : [])]).then(({ code, stdout, stderr }) => ({ code, out: stdout, err: stderr }));

function targetDir(manifest: object): string {
  const dir = tempDir('conform-cli-');
  fs.writeFileSync(path.join(dir, 'conform.json'), JSON.stringify(manifest));
  return dir;
}
const manifest = { name: 'x', version: '1', specVersion: '2', gateway: 'wsgi', classes: { sync: 'sync' } };

describe('conform CLI', () => {
  test('docs: --out that is a file is refused (exit 2); a directory is made and filled', async () => {
    const dir = tempDir('conform-docs-');
    fs.writeFileSync(path.join(dir, 'taken'), '');
    const refused = await conform('docs', '--out', path.join(dir, 'taken'));
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/--out .*taken is a file; give a directory/);
    const made = await conform('docs', '--out', path.join(dir, 'site', 'deep'));
    expect(made.code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'site', 'deep', 'index.html'))).toBe(true);
  });

  test('--list shows at least 50 ids', async () => {
    const { code, out } = await conform('--list');
    expect(code).toBe(0);
    expect(out).toMatch(/(\d+) cases in \d+ groups/);
    expect(Number(/(\d+) cases/.exec(out)![1])).toBeGreaterThanOrEqual(50);
  });
  test('--help lists each exit code on a line of its own', async () => {
    const { code, out } = await conform('--help');
    expect(code).toBe(0);
    expect(out).toMatch(/^ {2}0 {2}every result as expected$/m);
    expect(out).toMatch(/^ {2}1 {2}unexpected results: .*--repeat$/m);
    expect(out).toMatch(/^ {2}2 {2}the kit could not do its job: .*error verdicts$/m);
  });
  test('works through a symlink, as npx and npm link run it', async () => {
    const link = path.join(tempDir('conform-bin-'), 'conform');
    fs.symlinkSync(path.join(KIT, 'bin', 'conform.js'), link);
    const { stdout } = await promisify(execFile)(process.execPath, [link, '--list']);
    expect(stdout).toMatch(/\d+ cases in \d+ groups/);
  });
  test('explain prints the requirement; an unknown id exits 2 with suggestions', async () => {
    expect((await conform('explain', 'lifecycle.respawn')).out).toMatch(/requirement: +When a worker is SIGKILLed/);
    const unknown = await conform('explain', 'respawn');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/did you mean lifecycle.respawn/);
  });
  test("explain says the settings a case's server asks for, and reads its numbers from them", async () => {
    const { out } = await conform('explain', 'lifecycle.max-requests-exact');
    expect(out).toMatch(/server: +\{workers\} 1, \{maxRequests\} 4, \{maxRequestsJitter\} 2 /);
    expect(out).toMatch(/requirement: .*\(max_requests 4, jitter 2: 4 to 6\)/);
    expect((await conform('explain', 'http.date-header')).out).toMatch(/server: +the kit's defaults/);
  });
  test('a bad manifest exits 2 naming the field', async () => {
    const { code, err } = await conform('--target', targetDir({ ...manifest, command: [] }));
    expect(code).toBe(2);
    expect(err).toMatch(/command: must NOT have fewer than 1 items/);
  });
  test('check validates without starting anything and says what is unsupported and why', async () => {
    const good = await conform('check', 'fixtures/targets/uwsgi');
    expect(good.code, good.err).toBe(0);
    expect(good.out).toMatch(/conform\.json is valid \(spec version 2\)/);
    expect(good.out).toMatch(/operations: +gracefulStop SIGTERM, quickStop SIGINT\/SIGQUIT, reload SIGHUP; a graceful stop exits with 0/);
    expect(good.out).toMatch(/\d+ x the target declares no way to ask for operations\.addWorker, operations\.removeWorker/);
    const bad = await conform('check', targetDir({ ...manifest, capabilities: ['signals'], command: ['x'] }));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/capability "signals" is gone in spec version 2/);
  });
  test('a mismatched spec version is refused unless accepted', async () => {
    const { code, err } = await conform('--target', targetDir({ ...manifest, specVersion: '0', command: ['/bin/false'] }));
    expect(code).toBe(2);
    expect(err).toMatch(/--accept-spec-version/);
  });
  test('a target that never starts is refused before any case: one error with the command and its output, exit 2', async () => {
    const dir = targetDir({ ...manifest, command: ['/bin/sh', '-c', 'echo booting; echo broken >&2; exit 7'], readiness: { timeoutMs: 3000 } });
    const { code, out } = await conform('--target', dir, '--report-json', path.join(dir, 'r.json'), '--junit', path.join(dir, 'r.xml'));
    expect(code).toBe(2);
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'r.json'), 'utf8'));
    expect(report.results).toEqual([]); // no case ran, none blames the server for what is a setup error
    expect(report.harnessErrors).toHaveLength(1);
    expect(report.harnessErrors[0]).toMatch(/did not start in its plain configuration \(class sync\), so no case was run[\s\S]*the master exited with \{"code":7[\s\S]*broken/);
    expect(out).toMatch(/^ {2}ERROR the target did not start/m);
    expect(out).not.toMatch(/^ +\d+ (FAIL|ERROR) /m);
    expect(fs.readFileSync(path.join(dir, 'r.xml'), 'utf8')).toMatch(/<testsuites [^>]*errors="1"[\s\S]*<error message="the target did not start/);
  }, 60_000);
  test('a command that does not exist is an error naming it', async () => {
    const dir = targetDir({ ...manifest, command: ['/no/such/server'] });
    const { code } = await conform('--target', dir, '--only', 'prefork.worker-count', '--report-json', path.join(dir, 'r.json'));
    expect(code).toBe(2);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'r.json'), 'utf8')).harnessErrors[0]).toMatch(/\/no\/such\/server/);
  }, 60_000);
  test('a worker count that does not follow {workers} is named: too few at the start, too many in prefork.worker-count', async () => {
    const reference = JSON.parse(fs.readFileSync(path.join(KIT, 'fixtures', 'targets', 'reference', 'conform.json'), 'utf8'));
    const fixed = (n: string, more: object = {}) => {
      const command = [...reference.command];
      command[command.indexOf('{workers}')] = n;
      return targetDir({ ...reference, $schema: undefined, command, classes: { sync: 'sync' }, readiness: { timeoutMs: 4000 }, ...more });
    };
    const few = await conform('--target', fixed('1'), '--only', 'prefork.worker-count');
    expect(few.code).toBe(2);
    expect(few.out).toMatch(/1 of 2 worker\(s\) exist \(the manifest never passes \{workers\}: the server runs a count of its own\)/);
    const ignored = await conform('--target', fixed('1', { env: { IGNORED: '{workers}' } }), '--only', 'prefork.worker-count');
    expect(ignored.out).toMatch(/1 of 2 worker\(s\) exist \(does the server honour the \{workers\} the command passes\?\)/);
    const many = await conform('--target', fixed('4'), '--only', 'prefork.worker-count');
    expect(many.code).toBe(1);
    expect(many.out).toMatch(/asked for 2, it runs 4 too: does the manifest's command pass \{workers\} to the server\?/);
  }, 60_000);
});

/** Every live process below `root` (the servers of the process driver run in groups of their own). */
async function descendants(root: number): Promise<number[]> {
  const all = await allProcesses();
  const found = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) if (!found.has(p.pid) && found.has(p.ppid) && p.state !== 'Z') (found.add(p.pid), (grew = true));
  }
  found.delete(root);
  return [...found];
}

describe('selecting and stopping', () => {
  test('--level and --layer select cases; a value the kit does not know is refused naming the ones there are', async () => {
    const asgi = await conform('--list', '--layer', 'asgi', '--level', 'SHOULD');
    expect(asgi.code).toBe(0);
    expect(asgi.out).toMatch(/^(\d+) cases in 1 groups .*: \1 asgi;/m);
    expect(asgi.out).not.toMatch(/ MUST /);
    const bad = await conform('--list', '--level', 'MAY');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--level MAY: not one of MUST, SHOULD/);
    const plan = await conform('--target', 'fixtures/targets/reference', '--list', '--layer', 'model', '--level', 'SHOULD', '--class', 'sync');
    expect(plan.out).toMatch(/lifecycle\.max-requests-exact \[sync\]/);
    expect(plan.out).not.toMatch(/ MUST /);
  });
  test('--fail-fast starts no case after the first failure, and says how many it left', async () => {
    const reference = JSON.parse(fs.readFileSync(path.join(KIT, 'fixtures', 'targets', 'reference', 'conform.json'), 'utf8'));
    // A graceful stop that is not one: prefork quits at once on SIGINT.
    const dir = targetDir({ ...reference, $schema: undefined, classes: { sync: 'sync' }, operations: { gracefulStop: 'SIGINT', gracefulExit: { code: 0 } } });
    const { code, out } = await conform('--target', dir, '--only', 'signals.term-graceful*,http.*', '--jobs', '1', '--fail-fast', '--report-json', path.join(dir, 'r.json'));
    expect(code, out).toBe(1);
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'r.json'), 'utf8'));
    expect(report.results.filter((r: { status: string }) => r.status === 'fail')).toHaveLength(1);
    expect(report.notRun).toBeGreaterThan(10);
    expect(out).toContain(`--fail-fast: stopped after the first result that fails the run; ${report.notRun} planned run(s) not started`);
  }, 60_000);
});

describe('conform report over saved runs', () => {
  test('JUnit of every merged run (shards named apart), and the exit code the runs would have had', async () => {
    const dir = tempDir('conform-merge-');
    const parts = [1, 2].map((i) => path.join(dir, `part${i}.json`));
    for (const [i, file] of parts.entries()) {
      const run = await conform('--target', 'fixtures/targets/reference', '--class', 'sync', '--only', 'http.date-header,http.head-no-body', '--shard', `${i + 1}/2`, '--report-json', file, '--junit', `${file}.xml`);
      expect(run.code, run.out).toBe(0);
      expect(run.out).toMatch(new RegExp(`seed \\d+, shard ${i + 1}/2 \\(1 runs of the plan\\)`));
      // Each shard's own JUnit names its suites apart, so a CI page that reads both keeps both.
      expect(fs.readFileSync(`${file}.xml`, 'utf8')).toMatch(new RegExp(`<testsuite name="http \\(shard ${i + 1}/2\\)"`));
    }
    const merged = await conform('report', ...parts, '--junit', path.join(dir, 'all.xml'));
    expect(merged.code, merged.out).toBe(0);
    const xml = fs.readFileSync(path.join(dir, 'all.xml'), 'utf8');
    // The shards merge into the run they are parts of.
    expect(xml).toMatch(/<testsuites name="conform" tests="2" failures="0"/);
    expect(xml).toMatch(/<testsuite name="prefork \(reference\) \(process\): http" tests="2"/);
    // A MUST listed as a deviation that passes: the merge fails as the run would have.
    const doc = JSON.parse(fs.readFileSync(parts[1], 'utf8'));
    doc.results[0].status = 'xpass';
    fs.writeFileSync(parts[1], JSON.stringify(doc));
    const worse = await conform('report', ...parts, '--junit', path.join(dir, 'all.xml'));
    expect(worse.code).toBe(1);
    expect(fs.readFileSync(path.join(dir, 'all.xml'), 'utf8')).toMatch(/<failure message="unexpected pass: /);
  }, 60_000);
});

describe('interrupting a run', () => {
  test('Ctrl-C stops every server the run started (process driver) and exits 130 without a summary', async () => {
    const child = spawn(process.execPath, ['bin/conform.js', '--driver', 'process', '--only', 'signals.*,concurrency.*', '--class', 'sync'], { cwd: KIT });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // Wait for a server master (a prefork process) below the runner, then interrupt.
    const tree = await eventually(
      async () => {
        const pids = await descendants(child.pid!);
        const cmdlines = pids.map((pid) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '));
        return cmdlines.some((c) => c.includes('prefork.js') || c.startsWith('prefork: master')) ? pids : undefined;
      },
      { within: 30_000, what: 'a server started by the run' },
    );
    child.kill('SIGINT');
    expect(await exited, out).toBe(130);
    expect(out).toMatch(/SIGINT: stopping every server of this run/);
    expect(out).not.toMatch(/Summary by group/);
    const alive = (await allProcesses()).filter((p) => tree.includes(p.pid) && p.state !== 'Z');
    expect(alive.map((p) => p.pid), out).toEqual([]);
  }, 60_000);
});
