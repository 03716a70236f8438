// One conformance run: every (case, class) of the plan runs in this process, within --jobs slots
// (scheduler.ts). Each class has one driver and one pool of shared servers (shared-servers.ts);
// each case is run by case-run.ts and judged here as it finishes.
import os from 'node:os';
import { setTimeoutMultiplier } from '../spec/harness/eventually.ts';
import type { SpecCase } from '../spec/harness/case.ts';
import { defaultConfig } from '../spec/harness/case.ts';
import { HarnessError } from '../spec/harness/types.ts';
import { GROUPS } from '../spec/index.ts';
import { laneConfig, runCase, type ClassLane } from './case-run.ts';
import { driverKind } from './drivers/registry.ts';
import { loadExpectations, type Expectation } from './expectations.ts';
import { targetTraits, type RunClass, type Target } from './manifest.ts';
import type { CaseMeta } from './outcome.ts';
import { makePlan, type Plan } from './plan.ts';
import { schedule, type Task } from './scheduler.ts';
import { SharedServers } from './shared-servers.ts';
import { failsRun, judge, staleExpectations, summarize, type CaseResult, type Summary } from './verdict.ts';

/**
 * Cases at once unless --jobs says otherwise: three per core, as most of a case's time is waiting
 * on its servers (timeouts, graceful periods). On 2 cores more than 6 gains nothing: what is left
 * is server boots, CPU-bound. `npm run bench:suite` measures it against a --jobs 1 run.
 */
export const DEFAULT_JOBS = Math.max(2, 3 * os.availableParallelism());

export interface RunOptions {
  target: Target;
  plan: Plan;
  seed: number;
  timeoutMultiplier: number;
  /** Slots: how many cases run at once (a case may take several, see SpecCase.slots). */
  jobs: number;
  driver: string;
  driverContext?: unknown;
  onResult?: (result: CaseResult) => void;
  /** Ctrl-C: no case starts any more, every server is stopped, the report is incomplete. */
  signal?: AbortSignal;
  /** --fail-fast: no case starts after the first result that fails the run (judged as --strict says). */
  failFast?: { strict: boolean };
}

export interface RunReport {
  results: CaseResult[];
  summary: Summary;
  stale: Expectation[];
  classes: RunClass[];
  wallMs: number;
  driver: string;
  /** Problems of the kit outside any case (a promise that failed with nobody waiting for it). */
  harnessErrors: string[];
  /** Planned runs never started: --fail-fast stopped the run. */
  notRun?: number;
}

/** The (case, class) pairs a target can have at all, for stale-expectation detection. */
function knownPairs(target: Target): Array<{ id: string; label: string }> {
  const every = [...Object.keys(target.manifest.classes), ...Object.keys(target.manifest.extraClasses ?? {})];
  return makePlan(target, { classes: every, only: [], skip: [] }).runs.map((r) => ({ id: r.id, label: r.label }));
}

const SPEC_CASES = new Map(GROUPS.flatMap((g) => g.cases).map((c) => [c.id, c]));

/** Slots a case takes out of `jobs`. */
export function slotsOf(spec: Pick<SpecCase, 'slots'>, jobs: number): number {
  return spec.slots === 'all' ? jobs : Math.min(jobs, spec.slots ?? 1);
}

export async function run(options: RunOptions): Promise<RunReport> {
  const started = Date.now();
  const { plan, target } = options;
  setTimeoutMultiplier(options.timeoutMultiplier);
  const { entries: expectations } = loadExpectations(target);
  const harnessErrors: string[] = [];
  // A promise of the kit that failed with nobody waiting (a case that overran its budget and
  // failed later, a bug): said in the report (exit 2), never a crash that loses the run.
  const stray = (error: unknown) => harnessErrors.push(`outside any case: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.on('unhandledRejection', stray);

  const lanes = new Map<string, ClassLane>();
  for (const runClass of plan.classes) {
    const driver = driverKind(options.driver).create(target, runClass, options.driverContext);
    const traits = targetTraits(target.manifest, defaultConfig(runClass.specClass));
    lanes.set(runClass.label, { runClass, driver, shared: new SharedServers(driver), traits, manifest: target.manifest, seed: options.seed });
  }
  const stopAll = async () => {
    for (const lane of lanes.values()) await lane.shared.stopAll();
    await Promise.all([...lanes.values()].map((lane) => lane.driver.dispose()));
  };
  // Ctrl-C: the servers go first, so the cases still running fail fast and nothing outlives the run.
  const onAbort = () => void stopAll();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const results: CaseResult[] = [];
  // The schedule stops starting cases on Ctrl-C or, with --fail-fast, after the first failure.
  const stopStarting = new AbortController();
  const relay = () => stopStarting.abort();
  options.signal?.addEventListener('abort', relay, { once: true });
  if (options.signal?.aborted) stopStarting.abort(); // an abort already past fires no event
  const finish = (meta: CaseMeta, durationMs: number, startedAt?: number) => {
    const result: CaseResult = { ...judge(meta, durationMs, expectations), ...(startedAt === undefined ? {} : { startedAt }) };
    results.push(result);
    if (options.failFast && failsRun(result, options.failFast.strict)) stopStarting.abort();
    if (!options.signal?.aborted) options.onResult?.(result);
  };
  const tasks = (): Array<Task<void>> =>
    plan.runs.flatMap((entry) => {
      const spec = SPEC_CASES.get(entry.id);
      if (!spec) throw new HarnessError(`the plan names ${entry.id}, which no group of the spec defines`);
      const meta = (outcome: CaseMeta['outcome'], message: string): CaseMeta => ({ id: entry.id, label: entry.label, level: spec.level, outcome, message, evidence: {}, seed: options.seed });
      if (entry.unsupported) {
        finish(meta('unsupported', entry.unsupported), 0);
        return [];
      }
      return [
        {
          slots: slotsOf(spec, options.jobs),
          run: async () => {
            const startedAt = Date.now();
            try {
              const done = await runCase(spec, lanes.get(entry.label)!);
              finish(done.meta, done.durationMs, done.startedAt);
            } catch (error) {
              // runCase judges what the case threw; this is the kit failing around it.
              const failed = meta('error', `the kit failed running the case: ${(error as Error)?.message ?? String(error)}`);
              failed.evidence.stack = (error as Error)?.stack ?? '';
              finish(failed, Date.now() - startedAt, startedAt);
            }
          },
        },
      ];
    });
  let refused: string[] = [];
  let outcomes: Awaited<ReturnType<typeof schedule>> = [];
  try {
    // Pre-flight: before any case, each class that has cases to run starts its plain server (into
    // the shared pool, where read-only cases then use it). A target that does not start at all is
    // a misconfiguration, said once with its command and output (exit 2), not ~80 cases each
    // failing or erring on their own account.
    refused = await preflight(plan, lanes, options.signal);
    if (refused.length === 0) outcomes = await schedule(tasks(), options.jobs, stopStarting.signal);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    options.signal?.removeEventListener('abort', relay);
    await stopAll();
    process.off('unhandledRejection', stray);
  }
  if (refused.length > 0) {
    return { results: [], summary: summarize([]), stale: [], classes: plan.classes, wallMs: Date.now() - started, driver: options.driver, harnessErrors: refused };
  }
  // Reports list results in plan order, whatever order they finished in.
  const order = new Map(plan.runs.map((r, i) => [`${r.id} [${r.label}]`, i]));
  results.sort((a, b) => order.get(`${a.id} [${a.class}]`)! - order.get(`${b.id} [${b.class}]`)!);
  return {
    results,
    summary: summarize(results),
    stale: staleExpectations(expectations, knownPairs(target)),
    classes: plan.classes,
    wallMs: Date.now() - started,
    driver: options.driver,
    harnessErrors,
    ...(stopStarting.signal.aborted && !options.signal?.aborted ? { notRun: outcomes.filter((o) => o.status === 'not-run').length } : {}),
  };
}

/** Why each class with cases to run could not start its plain server; [] when all did. */
async function preflight(plan: Plan, lanes: ReadonlyMap<string, ClassLane>, signal?: AbortSignal): Promise<string[]> {
  const needed = [...lanes.values()].filter((lane) => plan.runs.some((r) => r.label === lane.runClass.label && !r.unsupported));
  const refusals = await Promise.all(
    needed.map(async (lane) => {
      try {
        await lane.shared.warm(laneConfig(lane));
        return undefined;
      } catch (error) {
        if (signal?.aborted) return undefined; // interrupted, not refused
        return `the target did not start in its plain configuration (class ${lane.runClass.label}), so no case was run: ${(error as Error).message}`;
      }
    }),
  );
  return refusals.filter((r): r is string => r !== undefined);
}
