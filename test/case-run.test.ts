import { afterEach, describe, expect, test } from 'vitest';
import { caseBudgetMs, runCase, type ClassLane } from '../conformance/case-run.ts';
import { GUNICORN_OPERATIONS } from '../conformance/manifest.ts';
import { SharedServers } from '../conformance/shared-servers.ts';
import { check, checkBetween, checkEqual, checkTiming, Violation } from '../spec/harness/assert.ts';
import { requireGiven, type SpecCase } from '../spec/harness/case.ts';
import { eventually, holds, setTimeoutMultiplier } from '../spec/harness/eventually.ts';
import type { Driver, Server, ServerConfig } from '../spec/harness/types.ts';

function lane() {
  const servers: Array<Server & { stopped: boolean }> = [];
  const driver: Driver = {
    name: 'fake',
    async start(config: ServerConfig) {
      const server = {
        host: '127.0.0.1', port: 1, extraPorts: [], config, masterPid: 1, startedPid: 1, startedIsMaster: true, command: async () => ({ code: 0, output: '' }), stopped: false,
        // Whole: the workers it was started with (a shared server with fewer is replaced).
        workers: async () => Array.from({ length: config.workers }, (_, i) => 2 + i), alive: async () => true, threadStates: async () => [], signal: async () => undefined,
        exitStatus: () => null, logs: () => 'the log of a server', stop: async () => void (server.stopped = true),
      };
      servers.push(server);
      return server;
    },
    dispose: async () => undefined,
  };
  const it: ClassLane = {
    runClass: { label: 'sync', specClass: 'sync', workerClass: 'sync' },
    driver,
    shared: new SharedServers(driver),
    traits: { operations: GUNICORN_OPERATIONS, gracefulExit: { code: 0, signal: null }, reloadKeepsCount: false, capabilities: [], limits: {} },
    manifest: { name: 'fake', classes: { sync: 'sync' } } as unknown as ClassLane['manifest'],
    seed: 1,
  };
  return { lane: it, servers };
}

const spec = (run: SpecCase['run'], extra: Partial<SpecCase> = {}): SpecCase => ({ id: 'lifecycle.fake', level: 'MUST', requirement: 'r', refs: [], run, ...extra });

afterEach(() => setTimeoutMultiplier(1));

describe('runCase: who is at fault, and nothing left running', () => {
  test('a Violation is the server\'s; its servers are stopped and their logs kept as evidence', async () => {
    const { lane: l, servers } = lane();
    const done = await runCase(spec(async (t) => { await t.start(); throw new Violation('the server did wrong'); }), l);
    expect(done.meta).toMatchObject({ outcome: 'violation', message: 'the server did wrong' });
    expect(done.meta.evidence['server0.logs']).toBe('the log of a server');
    expect(servers.every((s) => s.stopped)).toBe(true);
  });

  test('a failed comparison carries what was expected and what was seen as data, as a timeout does', async () => {
    const { lane: l } = lane();
    const equal = await runCase(spec(async () => checkEqual({ code: 1, signal: null }, { code: 0, signal: null }, 'the exit status')), l);
    expect(equal.meta).toMatchObject({ outcome: 'violation', expected: { code: 0, signal: null }, actual: { code: 1, signal: null } });
    const timing = await runCase(spec(async () => checkTiming(7200, 1000, 5000, 'ms to the kill')), l);
    expect(timing.meta).toMatchObject({ expected: { between: [1000, 5000], unit: 'ms' }, actual: 7200 });
    const count = await runCase(spec(async () => checkBetween(9, 4, 6, 'responses')), l);
    expect(count.meta).toMatchObject({ expected: { between: [4, 6] }, actual: 9 });
    const waited = await runCase(spec(async () => void (await eventually(() => 0, { within: 30, what: 'two workers', seen: () => '1 worker(s)' }))), l);
    expect(waited.meta).toMatchObject({ expected: 'two workers within 30 ms', actual: '1 worker(s)' });
    const held = await runCase(spec(async () => holds(() => false, { within: 30, what: 'two workers', seen: () => '3 worker(s)' })), l);
    expect(held.meta).toMatchObject({ expected: 'two workers to hold for 30 ms', actual: expect.stringMatching(/^it stopped holding after \d+ ms: 3 worker\(s\)$/) });
    // A check that only knows its condition says nothing more than its message.
    const plain = await runCase(spec(async () => check(false, 'no')), l);
    expect(plain.meta).not.toHaveProperty('expected');
    expect(plain.meta).not.toHaveProperty('actual');
  });

  test('a premise the target\'s bounds did not allow (one worker, given two) is unsupported, saying so', async () => {
    const { lane: l } = lane();
    l.manifest = { ...l.manifest, settings: { workers: { min: 2 } } };
    const done = await runCase(spec(async (t) => requireGiven(await t.start({ workers: 1 }), { workers: 1 })), l);
    expect(done.meta).toMatchObject({ outcome: 'unsupported', message: "the case needs workers 1 (the target's settings bounds gave 2): it cannot judge this target within its bounds" });
    const given = await runCase(spec(async (t) => requireGiven(await t.start({ workers: 3 }), { workers: 3 })), l);
    expect(given.meta.outcome).toBe('pass');
  });

  test('a case starts its declared server; a requirement that is a function of it says what was checked where the bounds moved it', async () => {
    const { lane: l } = lane();
    const killed: SpecCase = spec(async (t) => void (await t.start()), {
      server: { workers: 1, timeout: 2 },
      requirement: (c) => `killed within timeout + 3 s (${c.timeout + 3} s)`,
    });
    const plain = await runCase(killed, l);
    expect(plain.meta).not.toHaveProperty('asRun');
    l.manifest = { ...l.manifest, settings: { timeout: { min: 3 } } };
    let got: ServerConfig | undefined;
    const bounded = await runCase({ ...killed, run: async (t) => void (got = (await t.start()).config) }, l);
    expect(got).toMatchObject({ workers: 1, timeout: 3 });
    expect(bounded.meta.asRun).toEqual({ requirement: 'killed within timeout + 3 s (6 s)', moved: ["timeout 3 (asked 2: the target's settings bounds)"] });
    // Overrides at the start come on top of the declared server.
    const over = await runCase({ ...killed, run: async (t) => void (got = (await t.start({ workers: 2 })).config) }, l);
    expect(got).toMatchObject({ workers: 2, timeout: 3 });
    expect(over.meta.asRun?.moved).toEqual(["timeout 3 (asked 2: the target's settings bounds)"]);
  });

  test('anything else thrown is the kit\'s: error, with its stack', async () => {
    const { lane: l } = lane();
    const done = await runCase(spec(async () => { (undefined as unknown as { x: number }).x; }), l);
    expect(done.meta.outcome).toBe('error');
    expect(String(done.meta.evidence.stack)).toMatch(/TypeError/);
  });

  test('a case that overruns its budget is an error; what it starts afterwards is refused', async () => {
    setTimeoutMultiplier(0.001); // the budget: 100 ms + 20 s of slack, scaled to ~20 ms
    const { lane: l, servers } = lane();
    let late: unknown;
    let resume!: () => void;
    const resumed = new Promise<void>((r) => (resume = r));
    const done = await runCase(
      spec(async (t) => {
        await t.start();
        await resumed; // hangs past the budget
        late = await t.start().catch((e: Error) => e.message);
      }, { budgetMs: 100 }),
      l,
    );
    expect(caseBudgetMs({ budgetMs: 100 })).toBeCloseTo(20.1);
    expect(done.meta.outcome).toBe('error');
    expect(done.meta.message).toMatch(/did not finish within its budget/);
    expect(servers[0].stopped).toBe(true);
    resume();
    await new Promise((r) => setImmediate(r));
    expect(late).toMatch(/after it ended/);
    expect(servers).toHaveLength(1);
  });

  test('a shared server goes back to the pool when the case ends, and is not stopped', async () => {
    const { lane: l, servers } = lane();
    await runCase(spec(async (t) => void (await t.shared())), l);
    await runCase(spec(async (t) => void (await t.shared())), l);
    expect(servers).toHaveLength(1);
    expect(servers[0].stopped).toBe(false);
  });
});
