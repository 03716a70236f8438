// `conform`: argv -> options -> run -> reports -> one exit code (0 as expected, 1 unexpected
// results, 2 the harness could not do its job).
import fs from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { GROUPS } from '../spec/index.ts';
import { SPEC_VERSION } from '../spec/version.ts';
import { HarnessError } from '../spec/harness/types.ts';
import { chooseDriver, type DriverChoice } from './driver-choice.ts';
import { isAlive, liveChildren } from './drivers/proc.ts';
import { eventually } from '../spec/harness/eventually.ts';
import { checkSpecVersion, KIT_DIR, loadTarget, ManifestError, type Target } from './manifest.ts';
import { jsonReport, KIT } from './report/json.ts';
import { junitReport } from './report/junit.ts';
import { resultLine, summaryText } from './report/terminal.ts';
import { run, type RunReport } from './run.ts';
import { exitCode } from './verdict.ts';
import { verdictChanges } from './repeat.ts';

const positiveNumber = (value: string) => {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError('expected a number > 0');
  return n;
};
const positiveInteger = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number >= 1');
  return n;
};
const list = (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];

function listCases(): void {
  for (const group of GROUPS) {
    console.log(`${group.name}: ${group.summary}`);
    for (const c of group.cases) {
      console.log(`  ${c.id.padEnd(48)} ${c.level.padEnd(6)} ${c.classes ? `[${c.classes.join(',')}] ` : ''}${c.requirement}`);
    }
  }
  console.log(`\n${GROUPS.reduce((n, g) => n + g.cases.length, 0)} cases in ${GROUPS.length} groups (spec version ${SPEC_VERSION})`);
}

function explain(id: string): number {
  for (const group of GROUPS) {
    const c = group.cases.find((x) => x.id === id);
    if (!c) continue;
    console.log(
      [
        `${c.id}  (${c.level})`,
        `  requirement:  ${c.requirement}`,
        `  source:       ${c.source}`,
        `  classes:      ${(c.classes ?? ['sync', 'gthread', 'async']).join(', ')}`,
        `  needs:        ${(c.needs ?? []).join(', ') || 'nothing beyond the probe app'}`,
        `  group:        ${group.name}: ${group.summary}`,
        `  check:        spec/${group.name}.ts`,
      ].join('\n'),
    );
    return 0;
  }
  const near = GROUPS.flatMap((g) => g.cases.map((c) => c.id)).filter((x) => x.includes(id.split('.').pop() ?? id));
  console.error(`conform: no case with id ${id}${near.length ? `; did you mean ${near.slice(0, 5).join(', ')}?` : ''}`);
  return 2;
}

async function conform(opts: Record<string, any>): Promise<number> {
  const target: Target = loadTarget(opts.target);
  checkSpecVersion(target, Boolean(opts.acceptSpecVersion));
  const seed: number = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
  const driver = await chooseDriver(opts.driver, target);
  console.log(`conform: ${target.manifest.name} ${target.manifest.version} (${target.dir}), driver ${driver.name} (${driver.because}), seed ${seed}`);
  const interruption = new Interruption(driver);
  try {
    const code = await rounds(opts, target, seed, driver, interruption);
    return interruption.stopping ? await interruption.stopping : code;
  } finally {
    interruption.dispose();
    if (!interruption.stopping) {
      const left = await driver.sweep();
      if (left.length > 0) console.log(`conform: removed ${left.length} container(s) the cases left behind: ${left.join(' ')}`);
    }
  }
}

/**
 * Ctrl-C (or a CI timeout's TERM) must leave nothing running: the vitest workers are told to stop
 * their servers (a terminal sends them SIGINT too, a parent process does not), then whatever
 * container is still labelled with this run is removed. The run then ends with 130 (143 for TERM)
 * and no summary: its results are incomplete.
 */
class Interruption {
  stopping: Promise<number> | undefined;
  private readonly handler = (signal: NodeJS.Signals) => {
    if (this.stopping) return;
    console.error(`\nconform: ${signal}: stopping every server of this run${this.driver.name === 'container' ? ' and removing its containers' : ''}`);
    this.stopping = stopWorkers()
      .then(() => this.driver.sweep())
      .then(
        () => (signal === 'SIGINT' ? 130 : 143),
        () => 2,
      );
  };

  constructor(private readonly driver: DriverChoice) {
    process.on('SIGINT', this.handler);
    process.on('SIGTERM', this.handler);
  }

  dispose(): void {
    process.off('SIGINT', this.handler);
    process.off('SIGTERM', this.handler);
  }
}

/** TERM to every child of the runner (vitest's workers), then wait for them to finish cleaning up. */
async function stopWorkers(): Promise<void> {
  const children = await liveChildren(process.pid);
  for (const pid of children) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  await eventually(async () => (await Promise.all(children.map((pid) => isAlive(pid)))).every((alive) => !alive), {
    within: 15_000,
    what: "vitest's workers to stop their servers",
  }).catch(() => undefined);
}

async function rounds(opts: Record<string, any>, target: Target, seed: number, driver: DriverChoice, interruption: Interruption): Promise<number> {
  const colour = process.stdout.isTTY && !process.env.NO_COLOR;
  const reports: RunReport[] = [];
  for (let round = 1; round <= opts.repeat; round++) {
    if (interruption.stopping) return 130;
    if (opts.repeat > 1) console.log(`\n-- round ${round} of ${opts.repeat}`);
    let done = 0;
    reports.push(
      await run({
        target,
        classes: opts.class,
        only: opts.only ?? [],
        skip: opts.skip ?? [],
        seed,
        timeoutMultiplier: opts.timeoutMultiplier,
        jobs: opts.jobs,
        driver: driver.name,
        container: driver.container,
        onResult: (r) => console.log(`${String(++done).padStart(4)} ${resultLine(r, colour)}`),
      }),
    );
  }
  if (interruption.stopping) return 130; // incomplete: no summary, no reports
  const last = reports[reports.length - 1];
  console.log(summaryText(last, colour));
  const changes = verdictChanges(reports);
  if (opts.repeat > 1) {
    console.log(changes.length === 0 ? `\n--repeat ${opts.repeat}: no verdict changed` : `\n--repeat ${opts.repeat}: ${changes.length} verdict(s) changed:`);
    for (const c of changes) console.log(`  ${c.id} [${c.class}]: ${c.statuses.join(' -> ')}`);
  }
  if (opts.reportJson) {
    const extra = { seed, specVersion: SPEC_VERSION, ...(opts.repeat > 1 ? { repeat: opts.repeat, verdictChanges: changes } : {}) };
    fs.writeFileSync(opts.reportJson, JSON.stringify(jsonReport(last, target, extra), null, 2) + '\n');
    console.log(`JSON report: ${path.resolve(opts.reportJson)}`);
  }
  if (opts.junit) {
    fs.writeFileSync(opts.junit, junitReport(last, target.manifest.name));
    console.log(`JUnit report: ${path.resolve(opts.junit)}`);
  }
  // One plain closing line CI systems can read: as-expected results pass, unexpected ones fail.
  const { pass, xfail, warn, fail, xpass, error, unsupported } = last.summary;
  const strictWarn = opts.strict ? warn : 0;
  console.log(`conform: ${pass + xfail + warn - strictWarn} passed, ${fail + xpass + error + strictWarn} failed, ${unsupported} skipped`);
  let code = Math.max(...reports.map((r) => exitCode(r.summary, opts.strict)));
  if (last.harnessErrors.length > 0) code = 2;
  if (changes.length > 0) code = Math.max(code, 1);
  return code;
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command('conform')
    .description('Checks a pre-fork HTTP server (gunicorn-style) against the executable spec.')
    // After the options, unwrapped: commander re-wraps a description and broke these lines.
    .addHelpText(
      'after',
      [
        '',
        'Exit codes:',
        '  0  every result as expected',
        '  1  unexpected results: a fail, an unexpected pass, or a verdict that changed under --repeat',
        '  2  the kit could not do its job: bad manifest, target never ready, error verdicts',
      ].join('\n'),
    )
    .version(`${KIT.version} (spec ${SPEC_VERSION})`)
    .option('-t, --target <dir>', 'target directory holding conform.json (default: the reference server, fixtures/targets/reference)')
    .option('--list', 'list every case of the spec (id, level, classes, requirement) and exit')
    .addOption(
      new Option('--driver <name>', 'process: local child processes; container: one Docker container per server start (needs an engine); auto: container when an engine answers, else process')
        .choices(['auto', 'process', 'container'])
        .default('auto'),
    )
    .option('--class <labels>', 'classes to run, comma-separated (default: sync, gthread, async as the target declares them; extra classes such as eventlet by name)', list)
    .option('--only <globs>', 'run only case ids matching these globs, e.g. "lifecycle.*,http.keepalive"', list)
    .option('--skip <globs>', 'skip case ids matching these globs', list)
    .option('--report-json <file>', 'write the JSON report here')
    .option('--junit <file>', 'write a JUnit XML report here')
    .option('--timeout-multiplier <n>', 'scale every time bound (slow machines: 2)', positiveNumber, Number(process.env.CONFORM_TIMEOUT_MULTIPLIER ?? 1))
    .option('--seed <n>', 'seed for property tests (printed on every run; reuse it to replay)', (v) => Number.parseInt(v, 10))
    .option('--repeat <n>', 'run everything n times and report verdicts that changed', positiveInteger, 1)
    .option('--jobs <n>', 'groups run in parallel', positiveInteger, 2)
    .option('--strict', 'a missed SHOULD (warn) also fails the run')
    .option('--accept-spec-version', "run even if the manifest's specVersion differs from the kit's")
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  conform                                   # the reference server (Node only)\n' +
        '  conform --target fixtures/targets/gunicorn\n' +
        '  conform --target fixtures/targets/gunicorn --driver container   # each server in its own container\n' +
        '  conform --target ./my-server --class sync --only "lifecycle.*" --report-json out.json\n' +
        '  conform explain lifecycle.heartbeat-timeout\n' +
        '\nStatuses: pass; fail (MUST violated); warn (SHOULD missed); xfail/xpass (listed in the\n' +
        "target's expectations file); unsupported (capability not declared); error (kit could not run it).",
    )
    .exitOverride();
  let ranExplain = false;
  program.action(() => undefined); // the root command runs the suite; see below
  program
    .command('explain <id>')
    .description('print one case: requirement, level, source, classes')
    .action((id: string) => {
      ranExplain = true;
      process.exitCode = explain(id);
    });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    const code = (error as { exitCode?: number }).exitCode;
    return code === 0 ? 0 : 2;
  }
  if (ranExplain) return Number(process.exitCode ?? 0);
  const opts = program.opts();
  if (opts.list) {
    listCases();
    return 0;
  }
  // The embedded default: the reference server, which needs nothing but Node.
  opts.target ??= path.join(KIT_DIR, 'fixtures', 'targets', 'reference');
  try {
    return await conform(opts);
  } catch (error) {
    if (error instanceof ManifestError || error instanceof HarnessError) {
      console.error(`conform: ${error.message}`);
      return 2;
    }
    throw error;
  }
}
