// One (case, class) run: the CaseContext a spec case sees, its budget, and what it leaves for the
// verdict (outcome, message, evidence). Whatever the case started is stopped when it ends, also
// when it overran its budget.
import { scaled } from '../spec/harness/eventually.ts';
import { ServerFault, UnmetPremise } from '../spec/harness/fault.ts';
import { askedConfig, defaultConfig, requirementText, type CaseContext, type SpecCase } from '../spec/harness/case.ts';
import { HarnessError, type Driver, type Server, type ServerConfig, type TargetTraits } from '../spec/harness/types.ts';
import { withinBounds, type Manifest, type RunClass } from './manifest.ts';
import type { CaseMeta, Outcome } from './outcome.ts';
import type { SharedServers } from './shared-servers.ts';

/** What a case gets on top of its own budget to start its servers. */
const STARTUP_SLACK_MS = 20_000;
const DEFAULT_BUDGET_MS = 30_000;
/** The most of a server's log a failure carries, and how much of a shared one from before the case. */
const LOG_EXCERPT = 3000;
const LOG_CONTEXT = 500;

/** What every case of one class in a run shares. */
export interface ClassLane {
  runClass: RunClass;
  driver: Driver;
  shared: SharedServers;
  traits: TargetTraits;
  manifest: Manifest;
  seed: number;
}

export interface CaseRun {
  meta: CaseMeta;
  startedAt: number;
  durationMs: number;
}

// Only a violation is the server's doing: a failed check, a wait that timed out, a wire error (a
// reset, a malformed response, a refused connection). Anything else thrown inside a case (a
// HarnessError, a TypeError: a bug in the kit or its probe) is `error`, with its stack.
function classify(error: unknown): Outcome {
  if (error instanceof UnmetPremise) return 'unsupported';
  return error instanceof ServerFault ? 'violation' : 'error';
}

/** The case's time bound: its own (default 30 s) plus the slack to start servers, scaled. */
export function caseBudgetMs(spec: Pick<SpecCase, 'budgetMs'>): number {
  return scaled(spec.budgetMs ?? DEFAULT_BUDGET_MS) + scaled(STARTUP_SLACK_MS);
}

/** The configuration a case of this lane asks for: the kit's defaults, its overrides, the manifest's bounds. */
export function laneConfig(lane: Pick<ClassLane, 'manifest' | 'runClass'>, overrides: Partial<ServerConfig> = {}): ServerConfig {
  return withinBounds(lane.manifest, { ...defaultConfig(lane.runClass.specClass), ...overrides });
}

export async function runCase(spec: SpecCase, lane: ClassLane): Promise<CaseRun> {
  const startedAt = Date.now();
  const meta: CaseMeta = { id: spec.id, label: lane.runClass.label, level: spec.level, outcome: 'pass', message: '', evidence: {}, seed: lane.seed };
  const owned: Server[] = [];
  // Shared servers this case used, with where their log stood when it got them: a failure shows
  // the part of a shared server's log that belongs to this case (and a little before it).
  const borrowed = new Map<Server, number>();
  const lender = lane.shared.forCase();
  let ended = false;
  const configFor = (overrides: Partial<ServerConfig> = {}) => laneConfig(lane, overrides);
  // The first server the case starts is the one its requirement speaks of.
  const noteAsRun = (asked: Partial<ServerConfig>, given: ServerConfig) => {
    if (owned.length > 1) return;
    const wanted = { ...defaultConfig(lane.runClass.specClass), ...asked };
    const moved = (Object.keys(given) as Array<keyof ServerConfig>)
      .filter((key) => typeof given[key] === 'number' && given[key] !== wanted[key])
      .map((key) => `${key} ${given[key]} (asked ${wanted[key]}: the target's settings bounds)`);
    if (moved.length > 0) meta.asRun = { requirement: requirementText(spec, given), moved };
  };
  const notAfterEnd = () => {
    if (ended) throw new HarnessError(`${spec.id} asked for a server after it ended (it overran its budget)`);
  };
  const t: CaseContext = {
    id: spec.id,
    specClass: lane.runClass.specClass,
    label: lane.runClass.label,
    seed: lane.seed,
    target: lane.traits,
    async start(overrides, options) {
      notAfterEnd();
      const asked = askedConfig(spec, overrides);
      const server = await lane.driver.start(configFor(asked), options);
      owned.push(server);
      noteAsRun(asked, server.config);
      if (ended) await server.stop(); // started while the case was being ended
      return server;
    },
    async shared(overrides) {
      notAfterEnd();
      const server = await lender.lend(configFor(overrides));
      if (!borrowed.has(server)) borrowed.set(server, logsOf(server).length);
      return server;
    },
    evidence(key, value) {
      meta.evidence[key] = plain(value);
    },
  };
  const budget = caseBudgetMs(spec);
  let timer: NodeJS.Timeout | undefined;
  let overrun = false;
  const overran = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      overrun = true;
      reject(new HarnessError(`the case did not finish within its budget of ${budget} ms (its own bound plus ${scaled(STARTUP_SLACK_MS)} ms to start servers): a wait in the case is unbounded`));
    }, budget);
  });
  try {
    await Promise.race([spec.run(t), overran]);
  } catch (error) {
    meta.outcome = classify(error);
    meta.message = error instanceof Error ? error.message : String(error);
    if (error instanceof ServerFault && error.compared) Object.assign(meta, { expected: plain(error.compared.expected), actual: plain(error.compared.actual) });
    if (meta.outcome === 'error' && !(error instanceof HarnessError) && error instanceof Error) meta.evidence.stack = error.stack ?? '';
    for (const [index, server] of owned.entries()) meta.evidence[`server${index}.logs`] = logsOf(server).slice(-LOG_EXCERPT);
    [...borrowed].forEach(([server, from], index) => {
      const logs = logsOf(server);
      const start = Math.max(0, from - LOG_CONTEXT, logs.length - LOG_EXCERPT);
      meta.evidence[`shared${index}.logs`] = `${start > 0 ? '...\n' : ''}${logs.slice(start)}`;
    });
  } finally {
    ended = true;
    clearTimeout(timer);
    await Promise.all(owned.map((s) => s.stop().catch(() => undefined)));
    // A shared server goes back to the pool (one the case broke is replaced when next lent); not
    // after an overrun: the case may still be using it.
    if (!overrun) lender.release();
  }
  return { meta, startedAt, durationMs: Date.now() - startedAt };
}

/** A server's output for evidence; none where the kit cannot see it (a server judged by --url). */
function logsOf(server: Server): string {
  try {
    return server.logs();
  } catch {
    return '';
  }
}

/** Evidence goes into JSON: keep it plain data. */
function plain(value: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(value) ?? 'null');
  } catch {
    return String(value);
  }
}
