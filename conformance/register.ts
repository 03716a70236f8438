// Turns a spec group into vitest tests, one per case and class, inside a vitest worker. The
// verdict ingredients travel back to the runner as task meta (see outcome.ts).
import { afterAll, inject, test } from 'vitest';
import { setTimeoutMultiplier, scaled } from '../spec/harness/eventually.ts';
import { ServerFault } from '../spec/harness/fault.ts';
import { defaultConfig, type CaseContext, type SpecCase, type SpecGroup } from '../spec/harness/case.ts';
import { HarnessError, type Driver, type Server, type ServerConfig, type TargetTraits } from '../spec/harness/types.ts';
import { driverKind } from './drivers/registry.ts';
import { targetTraits, withinBounds, type Manifest, type RunClass } from './manifest.ts';
import type { CaseMeta, Outcome } from './outcome.ts';
import type { PlannedRun } from './plan.ts';

const STARTUP_SLACK_MS = 20_000;
/** The most of a server's log a failure carries, and how much of a shared one from before the case. */
const LOG_EXCERPT = 3000;
const LOG_CONTEXT = 500;

// Only a violation is the server's doing: a failed check, a wait that timed out, a wire error (a
// reset, a malformed response, a refused connection). Anything else thrown inside a case (a
// HarnessError, a TypeError: a bug in the kit or its probe) is `error`, with its stack.
function classify(error: unknown): Outcome {
  return error instanceof ServerFault ? 'violation' : 'error';
}

// Drivers of this vitest worker, so that an interrupted run (the runner forwards Ctrl-C as TERM)
// still stops every server it started: detached process groups and containers outlive us otherwise.
const liveDrivers = new Set<Driver>();
// vitest turns process.exit() in a worker into an error, so the worker ends itself with SIGKILL
// once its servers are stopped.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.allSettled([...liveDrivers].map((d) => d.dispose())).finally(() => process.kill(process.pid, 'SIGKILL'));
  });
}

function registerClass(group: SpecGroup, runClass: RunClass, planned: PlannedRun[]): void {
  const context = inject('conform');
  const driver: Driver = driverKind(context.driver).create(context.target, runClass, context.driverContext);
  const sharedServers = new Map<string, Promise<Server>>();
  const traits = targetTraits(context.target.manifest, defaultConfig(runClass.kind));
  liveDrivers.add(driver);
  afterAll(async () => {
    await Promise.all([...sharedServers.values()].map(async (s) => (await s.catch(() => undefined))?.stop()));
    await driver.dispose();
    liveDrivers.delete(driver);
  });

  for (const entry of planned) {
    const spec = group.cases.find((c) => c.id === entry.id);
    if (!spec) throw new HarnessError(`the plan names ${entry.id}, which group ${group.name} does not define`);
    const name = `${spec.id} [${runClass.label}]`;
    const budget = scaled(spec.budgetMs ?? 30_000) + scaled(STARTUP_SLACK_MS);
    test(name, { timeout: budget }, async ({ task, skip }) => {
      const meta: CaseMeta = {
        id: spec.id,
        label: runClass.label,
        level: spec.level,
        outcome: 'pass',
        message: '',
        evidence: {},
        seed: context.seed,
      };
      task.meta.conform = meta;
      if (entry.unsupported) {
        meta.outcome = 'unsupported';
        meta.message = entry.unsupported;
        skip(meta.message);
        return;
      }
      await runCase(spec, runClass, driver, sharedServers, meta, traits, context.target.manifest);
    });
  }
}

async function runCase(
  spec: SpecCase,
  runClass: RunClass,
  driver: Driver,
  sharedServers: Map<string, Promise<Server>>,
  meta: CaseMeta,
  traits: TargetTraits,
  manifest: Manifest,
): Promise<void> {
  const owned: Server[] = [];
  // Shared servers this case used, with where their log stood when it got them: a failure shows
  // the part of a shared server's log that belongs to this case (and a little before it).
  const borrowed = new Map<Server, number>();
  const configFor = (overrides: Partial<ServerConfig> = {}): ServerConfig => withinBounds(manifest, { ...defaultConfig(runClass.kind), ...overrides });
  const t: CaseContext = {
    id: spec.id,
    cls: runClass.kind,
    label: runClass.label,
    seed: meta.seed,
    target: traits,
    async start(overrides, options) {
      const server = await driver.start(configFor(overrides), options);
      owned.push(server);
      return server;
    },
    async shared(overrides) {
      const config = configFor(overrides);
      const key = JSON.stringify(config);
      let server = sharedServers.get(key);
      // A shared server that died (a previous case broke it) is replaced, not reused.
      if (server && (await server.catch(() => undefined))?.exitStatus() !== null) server = undefined;
      if (!server) {
        server = driver.start(config);
        sharedServers.set(key, server);
      }
      const ready = await server;
      if (!borrowed.has(ready)) borrowed.set(ready, ready.logs().length);
      return ready;
    },
    evidence(key, value) {
      meta.evidence[key] = plain(value);
    },
  };
  try {
    await spec.run(t);
  } catch (error) {
    meta.outcome = classify(error);
    meta.message = error instanceof Error ? error.message : String(error);
    if (meta.outcome === 'error' && !(error instanceof HarnessError) && error instanceof Error) meta.evidence.stack = error.stack ?? '';
    for (const [index, server] of owned.entries()) {
      meta.evidence[`server${index}.logs`] = server.logs().slice(-LOG_EXCERPT);
    }
    [...borrowed].forEach(([server, from], index) => {
      const logs = server.logs();
      const start = Math.max(0, from - LOG_CONTEXT, logs.length - LOG_EXCERPT);
      meta.evidence[`shared${index}.logs`] = `${start > 0 ? '...\n' : ''}${logs.slice(start)}`;
    });
    throw error;
  } finally {
    await Promise.all(owned.map((s) => s.stop()));
  }
}

/** Evidence crosses to the runner by structured clone and into JSON: keep it plain data. */
function plain(value: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(value) ?? 'null');
  } catch {
    return String(value);
  }
}

/** The body of every file under conformance/suite/: registers a group for each selected class. */
export function registerGroup(group: SpecGroup): void {
  const context = inject('conform');
  setTimeoutMultiplier(context.timeoutMultiplier);
  for (const runClass of context.plan.classes) {
    const planned = context.plan.runs.filter((r) => r.group === group.name && r.label === runClass.label);
    if (planned.length > 0) registerClass(group, runClass, planned);
  }
}
