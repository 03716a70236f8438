// One conformance run: vitest's programmatic API runs the suite files for the selected groups,
// a reporter collects each case's meta as it finishes, and verdicts are computed here.
import path from 'node:path';
import { createVitest } from 'vitest/node';
import type { TestCase, TestModule } from 'vitest/node';
import type { Reporter } from 'vitest/reporters';
import { loadExpectations, type Expectation } from './expectations.ts';
import { KIT_DIR, type RunClass, type Target } from './manifest.ts';
import type { RunContext } from './outcome.ts';
import { makePlan, planGroups, type Plan } from './plan.ts';
import { judge, staleExpectations, summarize, type CaseResult, type Summary } from './verdict.ts';

export interface RunOptions {
  target: Target;
  plan: Plan;
  seed: number;
  timeoutMultiplier: number;
  jobs: number;
  driver: string;
  driverContext?: unknown;
  onResult?: (result: CaseResult) => void;
}

export interface RunReport {
  results: CaseResult[];
  summary: Summary;
  stale: Expectation[];
  classes: RunClass[];
  wallMs: number;
  driver: string;
  /** Problems vitest itself reported (a suite file that failed to load, an unhandled error). */
  harnessErrors: string[];
}

/** The (case, class) pairs a target can have at all, for stale-expectation detection. */
function knownPairs(target: Target): Array<{ id: string; label: string }> {
  const every = [...Object.keys(target.manifest.classes), ...Object.keys(target.manifest.extraClasses ?? {})];
  return makePlan(target, { classes: every, only: [], skip: [] }).runs.map((r) => ({ id: r.id, label: r.label }));
}

export async function run(options: RunOptions): Promise<RunReport> {
  const started = Date.now();
  const { plan } = options;
  const { entries: expectations } = loadExpectations(options.target);
  const results: CaseResult[] = [];
  const harnessErrors: string[] = [];
  const collector: Reporter = {
    onTestCaseResult(testCase: TestCase) {
      const meta = testCase.meta().conform;
      if (!meta) return;
      const diagnostic = testCase.diagnostic();
      const result = judge(meta, diagnostic?.duration ?? 0, expectations);
      if (diagnostic) result.startedAt = Math.round(diagnostic.startTime);
      if (testCase.result().state === 'failed' && meta.outcome === 'pass') {
        // vitest failed the test outside the case body (its own timeout): that is a harness miss.
        result.status = 'error';
        result.message = testCase.result().errors?.map((e) => e.message).join('; ') ?? 'failed outside the case';
      }
      results.push(result);
      options.onResult?.(result);
    },
    onTestRunEnd(modules: ReadonlyArray<TestModule>, errors) {
      for (const m of modules) {
        for (const e of m.errors()) harnessErrors.push(`${path.relative(KIT_DIR, m.moduleId)}: ${e.message}`);
      }
      for (const e of errors) harnessErrors.push(e.message ?? String(e));
    },
  };
  const provided: RunContext = {
    target: options.target,
    plan,
    seed: options.seed,
    timeoutMultiplier: options.timeoutMultiplier,
    driver: options.driver,
    driverContext: options.driverContext,
  };
  const files = planGroups(plan).map((g) => `conformance/suite/${g}.test.ts`);
  const ours = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  const vitest = await createVitest('test', {
    root: KIT_DIR,
    config: false,
    watch: false,
    reporters: [collector],
    include: ['conformance/suite/*.test.ts'],
    provide: { conform: provided },
    pool: 'forks',
    maxWorkers: options.jobs,
    fileParallelism: options.jobs > 1,
    passWithNoTests: true,
  });
  // vitest exits the process 1 ms after SIGINT/SIGTERM; the runner must first stop every server
  // (cli.ts sweepOnInterrupt), so vitest's own signal handlers are taken off.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) if (!ours[signal].includes(listener)) process.off(signal, listener);
  }
  await vitest.start(files);
  await vitest.close();
  process.exitCode = undefined; // vitest sets it; the kit computes its own exit code
  return {
    results,
    summary: summarize(results),
    stale: staleExpectations(expectations, knownPairs(options.target)),
    classes: plan.classes,
    wallMs: Date.now() - started,
    driver: options.driver,
    harnessErrors,
  };
}
