// One target from manifest to exit code: the driver is chosen, the suite runs (once or --repeat
// times), and the run becomes a RunDoc that every output reads: terminal, JSON, JUnit, GitHub
// annotations and step summary, and the --baseline comparison. `conform` runs one session,
// `conform matrix` one per target.
import fs from 'node:fs';
import path from 'node:path';
import { chooseDriver, type DriverChoice } from './drivers/registry.ts';
import { checkSpecVersion, loadTarget, type Target } from './manifest.ts';
import { diffRuns, diffText } from './report/diff.ts';
import { displayPath, replayCommand, ReportError, runDocument, writeJson, type ResultDoc, type RunDoc } from './report/document.ts';
import { annotations, stepSummary } from './report/github.ts';
import { junitReport } from './report/junit.ts';
import { closingLines, resultLine, summaryText } from './report/terminal.ts';
import { run, type RunReport } from './run.ts';
import { exitCode } from './verdict.ts';
import { checkLevelsAndLayers, makePlan, parseShard, type Plan } from './plan.ts';
import { roundSeed, verdictChanges } from './repeat.ts';

export interface SessionOptions {
  target: string;
  /** A name from the driver registry, or `auto`. */
  driver: string;
  /** `--url HOST:PORT`: judge a server already running there (the url driver). */
  url?: string;
  class?: string[];
  only?: string[];
  skip?: string[];
  level?: string[];
  layer?: string[];
  /** Stop starting cases after the first result that fails the run. */
  failFast?: boolean;
  /** "i/n": run only the i-th of n stable parts of the plan (conform report merges the parts). */
  shard?: string;
  /** The run's own name beside the target's, in every report. */
  label?: string;
  seed?: number;
  timeoutMultiplier: number;
  jobs: number;
  repeat: number;
  strict?: boolean;
  acceptSpecVersion?: boolean;
  reportJson?: string;
  junit?: string;
  /** Runs already read from a saved report: the run is judged against them (exit 1 only when worse). */
  baseline?: { file: string; runs: RunDoc[] };
}

export interface SessionResult {
  code: number;
  doc?: RunDoc;
  interrupted: boolean;
}

export async function runSession(opts: SessionOptions): Promise<SessionResult> {
  const target: Target = loadTarget(opts.target);
  checkSpecVersion(target, Boolean(opts.acceptSpecVersion));
  const plan = sessionPlan(target, opts);
  if (opts.baseline) baselineOf(opts.baseline, target.manifest.name); // refused before the run, not after
  const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
  const driver = await chooseDriver(opts.driver, target, { url: opts.url });
  const shard = plan.shard ? `, shard ${plan.shard.index}/${plan.shard.count} (${plan.runs.length} runs of the plan)` : '';
  console.log(`conform: ${target.manifest.name} ${target.manifest.version}${opts.label ? ` [${opts.label}]` : ''} (${target.dir}), driver ${driver.name} (${driver.because}), seed ${seed}${shard}`);
  const interruption = new Interruption(driver);
  let interrupted: number | undefined;
  try {
    const result = await rounds(opts, target, plan, seed, driver, interruption);
    interrupted = await interruption.finish();
    return interrupted !== undefined ? { code: interrupted, interrupted: true } : result;
  } finally {
    interruption.dispose();
    if (interrupted === undefined) {
      const left = await driver.sweep();
      if (left.length > 0) console.log(`conform: removed ${left.length} container(s) the cases left behind: ${left.join(' ')}`);
    }
  }
}

/**
 * Ctrl-C (or a CI timeout's TERM) must leave nothing running: the run is aborted (no case starts,
 * every server it started is stopped), then whatever container is still labelled with this run is
 * removed. The session then ends with 130 (143 for TERM) and no summary: its results are
 * incomplete.
 */
class Interruption {
  private readonly abort = new AbortController();
  private signalName: NodeJS.Signals | undefined;
  private readonly handler = (signal: NodeJS.Signals) => {
    if (this.signalName) return;
    this.signalName = signal;
    console.error(`\nconform: ${signal}: stopping every server of this run (driver ${this.driver.name})`);
    this.abort.abort();
  };

  constructor(private readonly driver: DriverChoice) {
    process.on('SIGINT', this.handler);
    process.on('SIGTERM', this.handler);
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Once interrupted, the exit code after the sweep; undefined while not. */
  async finish(): Promise<number | undefined> {
    if (!this.signalName) return undefined;
    return this.driver.sweep().then(
      () => (this.signalName === 'SIGINT' ? 130 : 143),
      () => 2,
    );
  }

  dispose(): void {
    process.off('SIGINT', this.handler);
    process.off('SIGTERM', this.handler);
  }
}

/** The one plan of a session, from the same options `conform --list --target` prints it with. */
export function sessionPlan(target: Target, opts: Pick<SessionOptions, 'class' | 'only' | 'skip' | 'level' | 'layer' | 'shard'>): Plan {
  checkLevelsAndLayers(opts);
  return makePlan(target, { classes: opts.class, only: opts.only ?? [], skip: opts.skip ?? [], levels: opts.level, layers: opts.layer, shard: opts.shard ? parseShard(opts.shard) : undefined });
}

async function rounds(opts: SessionOptions, target: Target, plan: Plan, seed: number, driver: DriverChoice, interruption: Interruption): Promise<SessionResult> {
  const colour = process.stdout.isTTY && !process.env.NO_COLOR;
  const reports: RunReport[] = [];
  let lastSeed = seed;
  const startedAt = new Date();
  const where = { dir: displayPath(target.dir), driver: driver.name, url: opts.url };
  for (let round = 1; round <= opts.repeat; round++) {
    if (interruption.signal.aborted) return { code: 130, interrupted: true };
    const seedOfRound = roundSeed(seed, round, opts.seed !== undefined);
    if (opts.repeat > 1) console.log(`\n-- round ${round} of ${opts.repeat} (seed ${seedOfRound})`);
    let done = 0;
    reports.push(
      await run({
        target,
        plan,
        seed: seedOfRound,
        timeoutMultiplier: opts.timeoutMultiplier,
        // One running server for every case: one case at a time, as a shared server is lent to one.
        jobs: opts.url !== undefined ? 1 : opts.jobs,
        driver: driver.name,
        driverContext: driver.context,
        signal: interruption.signal,
        ...(opts.failFast ? { failFast: { strict: Boolean(opts.strict) } } : {}),
        // Unsupported runs are said once per reason in the summary, not one line each here.
        onResult: (r) => r.status !== 'unsupported' && console.log(`${String(++done).padStart(4)} ${resultLine({ ...r, replay: replayCommand(where, r.id, r.class, seedOfRound) }, colour)}`),
      }),
    );
    lastSeed = seedOfRound;
  }
  if (interruption.signal.aborted) return { code: 130, interrupted: true }; // incomplete: no summary, no reports
  const last = reports[reports.length - 1];
  const changes = verdictChanges(reports);
  // The report is the last round's: its replay lines carry that round's seed.
  const doc = runDocument(last, target, { seed: lastSeed, strict: opts.strict, startedAt, repeat: opts.repeat, verdictChanges: changes, shard: plan.shard, label: opts.label, url: opts.url });
  console.log(summaryText(doc, colour));
  if (opts.repeat > 1) {
    console.log(changes.length === 0 ? `\n--repeat ${opts.repeat}: no verdict changed` : `\n--repeat ${opts.repeat}: ${changes.length} verdict(s) changed:`);
    for (const c of changes) console.log(`  ${c.id} [${c.class}]: ${c.statuses.join(' -> ')}`);
  }
  writeOutputs(opts, doc);

  let code = Math.max(...reports.map((r) => exitCode(r.results, opts.strict)));
  if (opts.baseline) {
    // Gate on "no regression": misses the baseline already had do not fail the run.
    const diff = diffRuns([baselineOf(opts.baseline, target.manifest.name, driver.name)], [doc]);
    console.log(`\n${diffText(diff, { old: opts.baseline.file, new: 'this run' })}`);
    const errors = doc.results.some((r: ResultDoc) => r.status === 'error');
    code = errors ? 2 : diff.worse.length > 0 ? 1 : 0;
  }
  if (last.harnessErrors.length > 0) code = 2;
  if (changes.length > 0) code = Math.max(code, 1);
  for (const line of closingLines(doc.results, Boolean(opts.strict))) console.log(line);
  return { code, doc, interrupted: false };
}

/**
 * The run of a saved report (a run or a matrix) to compare with: the same target, under the same
 * driver when the report has it under several.
 */
function baselineOf(baseline: { file: string; runs: RunDoc[] }, name: string, driver?: string): RunDoc {
  const same = baseline.runs.filter((r) => r.target.name === name);
  if (same.length === 0) {
    throw new ReportError(`--baseline ${baseline.file} has no run of "${name}" (it has ${baseline.runs.map((r) => `"${r.target.name}"`).join(', ') || 'none'})`);
  }
  return same.find((r) => r.target.driver === driver) ?? same[0];
}

function writeOutputs(opts: SessionOptions, doc: RunDoc): void {
  if (opts.reportJson) {
    writeJson(opts.reportJson, doc);
    console.log(`JSON report: ${path.resolve(opts.reportJson)}`);
  }
  if (opts.junit) {
    fs.writeFileSync(opts.junit, junitReport(doc, Boolean(opts.strict)));
    console.log(`JUnit report: ${path.resolve(opts.junit)}`);
  }
  if (process.env.GITHUB_ACTIONS === 'true') {
    for (const line of annotations(doc, Boolean(opts.strict))) console.log(line);
    const summaryFile = process.env.GITHUB_STEP_SUMMARY;
    if (summaryFile) fs.appendFileSync(summaryFile, stepSummary(doc));
  }
}
