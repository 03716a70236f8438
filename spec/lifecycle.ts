// Worker lifecycle: respawn, the heartbeat that catches stuck workers, per-class timeout
// semantics, parent-death detection and max_requests recycling.
import { check, checkBetween, checkTiming } from './harness/assert.ts';
import { defineGroup, requireGiven, type CaseContext } from './harness/case.ts';
import { answerOf, getJson, request, send } from './harness/client.ts';
import { deadlineIn, eventually, holds, waitUntil } from './harness/eventually.ts';
import { allGoneAfter, exitWords, masterWords, goneAfter, servingWorker, settledWorkers, workerInPlaceOf, workerWords } from './harness/observe.ts';
import { checkProperty } from './harness/property.ts';
import { WireError } from './harness/wire.ts';
import { UnmetPremise } from './harness/fault.ts';
import { lifecycleCommands, runModel } from './lifecycle-model.ts';
import fc from 'fast-check';
import { docs, gunicornCode, note } from './harness/refs.ts';

/** How long after the master's death every worker must be gone, per class (ms). */
/**
 * How late after `timeout` a request may be cut: the supervisor that cuts it looks once a second
 * (gunicorn's arbiter sleeps up to 1 s between checks) and may compare whole-second stamps
 * (uWSGI's harakiri: cut at ~timeout + 1.3 s, seen past timeout + 1.5 s under load), so up to
 * two ticks of a 1 s clock.
 */
const REQUEST_CUT_SLACK_S = 2;
/**
 * How soon a killed worker has a successor: one turn of a master loop that looks once a second
 * (uWSGI's: by hand, 0-0.9 s from SIGKILL to the new worker's fork, 24 kills), and the fork.
 * gunicorn's arbiter is woken by SIGCHLD and respawns in milliseconds.
 */
const RESPAWN_WITHIN_S = 2;
const parentDeathBound = (cls: string, timeout: number) => (cls === 'sync' ? (timeout / 2) * 1000 + 1500 : 2500);

export default defineGroup({
  name: 'lifecycle',
  summary:
    'The master keeps N workers alive: a dead worker is replaced at once, a worker whose heartbeat ' +
    'is older than `timeout` is killed (SIGABRT, then SIGKILL) and replaced, workers leave when ' +
    'their master dies, and a worker retires after max_requests (+ jitter) responses. What the ' +
    'timeout means differs by class: for sync it bounds each request, for gthread and async it ' +
    'bounds only how long the worker itself may be unresponsive.',
  cases: [
    {
      id: 'lifecycle.respawn',
      level: 'MUST',
      requirement: `When a worker is SIGKILLed, a new worker exists within ${RESPAWN_WITHIN_S} s and the count is back to N.`,
      refs: [
        docs('gunicorn', 'design', '"CHLD indicates that a child process has terminated, in this case the master process automatically restarts the failed worker"'),
        gunicornCode('arbiter.py', 'reap_workers()', 'handle_chld -> reap_workers; manage_workers spawns up to N'),
      ],
      async run(t) {
        const server = await t.start({ workers: 2 });
        const [victim, other] = await settledWorkers(server, 2);
        const killedAt = Date.now();
        await server.signal(victim, 'SIGKILL');
        const pids = await eventually(
          async (): Promise<number[] | undefined> => {
            const now = await server.workers();
            return now.length === 2 && !now.includes(victim) ? now : undefined;
          },
          { within: RESPAWN_WITHIN_S * 1000, every: 5, what: 'a replacement worker (count back to 2)', seen: async () => `${workerWords(await server.workers())} (killed: ${victim}; ${await masterWords(server)})` },
        );
        t.evidence('respawnMs', Date.now() - killedAt);
        check(pids.includes(other), `the surviving worker ${other} was replaced too (${pids})`);
      },
    },
    {
      id: 'lifecycle.respawn-keeps-serving',
      level: 'MUST',
      requirement: 'While a killed worker is being replaced, requests keep being served by the other workers.',
      refs: [docs('gunicorn', 'design', 'workers are independent; the master never handles a request'), docs('unicorn', 'DESIGN', 'the kernel decides which worker gets a connection')],
      async run(t) {
        const server = await t.start({ workers: 2 });
        const [victim] = await settledWorkers(server, 2);
        await server.signal(victim, 'SIGKILL');
        for (let i = 0; i < 10; i++) await getJson(server, '/pid', {}, { timeoutMs: 5000 });
      },
    },
    {
      id: 'lifecycle.heartbeat-timeout',
      level: 'MUST',
      requirement:
        'A worker stopped (SIGSTOP) for longer than `timeout` is killed and replaced; the kill comes between timeout/2 (an idle sync worker heartbeats every timeout/2) and timeout + 3 s after the stop.',
      refs: [docs('gunicorn', 'settings#timeout', '"Workers silent for more than this many seconds are killed and restarted"'), gunicornCode('arbiter.py', 'murder_workers()'), gunicornCode('workers/base.py', 'notify()')],
      needs: ['heartbeat'],
      async run(t) {
        const server = await t.start({ workers: 1, timeout: 2 });
        const { timeout } = server.config; // a target may raise it to its minimum (manifest settings)
        const victim = await servingWorker(server);
        const stoppedAt = Date.now();
        await server.signal(victim, 'SIGSTOP');
        const took = await goneAfter(server, victim, stoppedAt, (timeout + 3) * 1000 + 500, 'the stopped worker to be killed');
        t.evidence('killedAfterMs', took);
        checkTiming(took, (timeout / 2) * 1000 - 100, (timeout + 3) * 1000, 'ms from SIGSTOP to the kill');
        await workerInPlaceOf(server, victim, 2000);
      },
    },
    {
      id: 'lifecycle.heartbeat-before-first',
      level: 'MUST',
      requirement:
        'A worker that hangs before its first heartbeat (its app takes far longer than `timeout` to load) is killed within timeout + 3 s of appearing, and another worker is started in its place.',
      refs: [
        docs('gunicorn', 'settings#timeout', 'a worker silent for longer, loading included, is killed'),
        gunicornCode('arbiter.py', 'murder_workers()', "a worker's heartbeat file is made before fork, so its clock runs from its spawn, app loading included"),
      ],
      needs: ['heartbeat'],
      async run(t) {
        const server = await t.start({ workers: 1, timeout: 2, env: { CONFORM_PROBE_IMPORT_DELAY_MS: '60000' } }, { waitReady: false });
        const { timeout } = server.config; // a target may raise it to its minimum (manifest settings)
        const [first] = await eventually(async () => {
          const workers = await server.workers();
          return workers.length > 0 ? workers : undefined;
        }, { within: 10_000, what: 'a worker process to appear', seen: () => exitWords(server) });
        const appearedAt = Date.now();
        const took = await goneAfter(server, first, appearedAt, (timeout + 3) * 1000 + 500, `worker ${first}, still loading the app, to be killed`);
        t.evidence('killedAfterMs', took);
        checkTiming(took, 0, (timeout + 3) * 1000, `ms from worker ${first} appearing to its kill`);
        await workerInPlaceOf(server, first, 3000);
      },
    },
    {
      id: 'lifecycle.heartbeat-tolerates-short-stall',
      level: 'MUST',
      requirement: 'A worker stopped for timeout/4 and then resumed (SIGCONT) is not killed: the same pid keeps running.',
      refs: [docs('gunicorn', 'settings#timeout', 'only silence longer than timeout'), gunicornCode('arbiter.py', 'murder_workers()', 'only heartbeats older than timeout count')],
      needs: ['heartbeat'],
      async run(t) {
        const server = await t.start({ workers: 1, timeout: 4 });
        const { timeout } = server.config; // a target may raise it to its minimum (manifest settings)
        const worker = await servingWorker(server);
        await server.signal(worker, 'SIGSTOP');
        await waitUntil(Date.now() + (timeout / 4) * 1000); // the stall window
        await server.signal(worker, 'SIGCONT');
        await holds(() => server.alive(worker), { within: (timeout / 2) * 1000 + 1500, what: `worker ${worker} staying alive after SIGCONT`, seen: () => `worker ${worker} is gone` });
        const { pid } = await getJson<{ pid: number }>(server, '/pid');
        check(pid === worker, `a different worker (${pid}) answered: ${worker} was replaced`);
      },
    },
    {
      id: 'lifecycle.heartbeat-while-busy',
      level: 'MUST',
      requirement:
        'A worker kept busy by back-to-back short requests (50 ms, with more always waiting) for 2.5 x `timeout` keeps heartbeating between them: it is not killed, and it answers every request.',
      refs: [
        docs('gunicorn', 'settings#timeout', 'for the non-sync workers it means the worker process is still communicating, not the length of a request'),
        gunicornCode('workers/sync.py', 'run_for_one()', 'notify() before every accept(); gthread.py and ggevent.py beat from their main loops'),
      ],
      needs: ['heartbeat'],
      async run(t) {
        const server = await t.start({ workers: 1, timeout: 2 });
        requireGiven(server, { workers: 1 });
        const { timeout } = server.config; // a target may raise it to its minimum (manifest settings)
        const [worker] = await settledWorkers(server, 1);
        // Six clients in a loop over 50 ms requests: five connections always wait while one is
        // served, so a sync worker never finds its backlog empty (never idle) for the whole window.
        const until = Date.now() + 2.5 * timeout * 1000;
        const answered = new Set<number>();
        let served = 0;
        const client = async () => {
          while (Date.now() < until) {
            answered.add((await getJson<{ pid: number }>(server, '/sleep?ms=50', {}, { timeoutMs: 5000 })).pid);
            served++;
          }
        };
        await Promise.all(Array.from({ length: 6 }, client));
        t.evidence('requests', served);
        check(answered.size === 1 && answered.has(worker), `worker ${worker} was replaced under load: answers came from ${[...answered]}`);
        check(await server.alive(worker), `worker ${worker} was killed under load`);
      },
    },
    {
      id: 'lifecycle.timeout-zero-disables',
      level: 'MUST',
      requirement: 'With timeout 0 the heartbeat check is off: a worker stopped for 3 s survives.',
      refs: [docs('gunicorn', 'settings#timeout', '"Value is a positive number or 0. Setting it to 0 ... disabling of timeouts"'), gunicornCode('arbiter.py', 'murder_workers()')],
      profile: 'gunicorn',
      needs: ['heartbeat'],
      async run(t) {
        const server = await t.start({ workers: 1, timeout: 0 });
        requireGiven(server, { workers: 1 });
        const [worker] = await settledWorkers(server, 1);
        await server.signal(worker, 'SIGSTOP');
        try {
          await holds(() => server.alive(worker), { within: 3000, what: `stopped worker ${worker} staying alive`, seen: () => `worker ${worker} is gone` });
        } finally {
          await server.signal(worker, 'SIGCONT');
        }
        const { pid } = await getJson<{ pid: number }>(server, '/pid');
        check(pid === worker, `worker ${worker} was replaced by ${pid}`);
      },
    },
    {
      id: 'lifecycle.sync-request-timeout',
      level: 'MUST',
      requirement: `A sync request that blocks longer than \`timeout\` ends (EOF, reset or a 5xx) within timeout + ${REQUEST_CUT_SLACK_S} s, and its worker is replaced.`,
      refs: [
        docs('gunicorn', 'settings#timeout', 'the repercussions for sync workers: a request longer than timeout is killed'),
        docs('uwsgi', 'Options#harakiri'),
        gunicornCode('workers/sync.py', undefined, 'no heartbeat while the app runs, so murder_workers() kills it'),
      ],
      classes: ['sync'],
      needs: ['request-timeout'],
      async run(t) {
        const server = await t.start({ workers: 1, timeout: 2 });
        requireGiven(server, { workers: 1 });
        const { timeout } = server.config; // a target may raise it to its minimum (manifest settings)
        const [worker] = await settledWorkers(server, 1);
        const sentAt = Date.now();
        const connection = await send(server, { target: '/sleep?ms=8000' });
        const outcome = await connection
          .readResponse({ timeoutMs: (timeout + REQUEST_CUT_SLACK_S) * 1000 })
          .then((r) => `status ${r.status}`)
          .catch((e: Error) => e.message);
        const endedAfter = Date.now() - sentAt;
        t.evidence('ended', { outcome, endedAfter });
        check(!outcome.startsWith('status 2'), `the request completed normally (${outcome}) instead of being cut`);
        check(!outcome.includes('timed out'), `the request was still running after ${endedAfter} ms`);
        checkTiming(endedAfter, timeout * 1000 - 200, (timeout + REQUEST_CUT_SLACK_S) * 1000, 'ms until the request ended');
        await eventually(async () => !(await server.workers()).includes(worker) && (await server.workers()).length === 1, {
          within: 3000,
          what: `worker ${worker} replaced`,
          seen: async () => workerWords(await server.workers()),
        });
      },
    },
    {
      id: 'lifecycle.gthread-long-request',
      level: 'MUST',
      requirement: 'A gthread request longer than `timeout`, blocking or CPU-bound, completes with 200: the worker keeps its heartbeat.',
      refs: [gunicornCode('workers/gthread.py', undefined, 'the main thread notifies while pool threads run the app')],
      profile: 'gunicorn',
      classes: ['gthread'],
      needs: ['heartbeat'],
      async run(t) {
        const server = await t.start({ workers: 1, threads: 2, timeout: 2 });
        requireGiven(server, { workers: 1 });
        const { timeout } = server.config; // a target may raise it to its minimum (manifest settings)
        const [worker] = await settledWorkers(server, 1);
        // 3 x timeout (6 s): past a heartbeat kill's SIGABRT and its SIGKILL a second later.
        const long = timeout * 3000;
        const [slept, spun] = await Promise.all([
          getJson<{ pid: number }>(server, `/sleep?ms=${long}`, {}, { timeoutMs: long + 9000 }),
          getJson<{ pid: number }>(server, `/busy?ms=${long}`, {}, { timeoutMs: long + 9000 }),
        ]);
        check(slept.pid === worker && spun.pid === worker, 'the long requests were not both served by the original worker');
        // A worker aborted meanwhile may still finish its threads' work, then exit: it must serve on.
        const after = await getJson<{ pid: number }>(server, '/pid');
        check(after.pid === worker && (await server.alive(worker)), `worker ${worker} did not survive the long requests`);
      },
    },
    {
      id: 'lifecycle.async-long-wait',
      level: 'MUST',
      requirement: 'An async request that waits cooperatively longer than `timeout` completes with 200.',
      refs: [gunicornCode('workers/base_async.py', undefined, 'with ggevent.py: a greenlet notifies every second')],
      profile: 'gunicorn',
      classes: ['async'],
      needs: ['heartbeat'],
      async run(t) {
        const server = await t.start({ workers: 1, timeout: 2 });
        requireGiven(server, { workers: 1 });
        const { timeout } = server.config; // a target may raise it to its minimum (manifest settings)
        const [worker] = await settledWorkers(server, 1);
        const answer = await getJson<{ pid: number }>(server, `/sleep?ms=${timeout * 3000}`, {}, { timeoutMs: timeout * 3000 + 9000 });
        const after = await getJson<{ pid: number }>(server, '/pid');
        check(answer.pid === worker && after.pid === worker && (await server.alive(worker)), `worker ${worker} did not survive the wait`);
      },
    },
    {
      id: 'lifecycle.async-blocked-loop-killed',
      level: 'MUST',
      requirement:
        'An async worker whose loop is blocked (CPU-bound request) longer than `timeout` is gone within timeout + 5 s and replaced.',
      refs: [
        docs('gunicorn', 'settings#timeout', 'a worker that cannot communicate for longer is killed'),
        gunicornCode('workers/ggevent.py', undefined, 'a blocked hub cannot notify, so murder_workers() sends SIGABRT; gevent ends the request and the worker exits by itself about 2 s later (SIGKILL otherwise)'),
      ],
      classes: ['async'],
      needs: ['heartbeat'],
      async run(t) {
        const server = await t.start({ workers: 1, timeout: 2 });
        requireGiven(server, { workers: 1 });
        const { timeout } = server.config; // a target may raise it to its minimum (manifest settings)
        const [worker] = await settledWorkers(server, 1);
        const sentAt = Date.now();
        const connection = await send(server, { target: '/busy?ms=10000' });
        const took = await goneAfter(server, worker, sentAt, (timeout + 5) * 1000, 'the blocked worker to be gone');
        t.evidence('killedAfterMs', took);
        connection.destroy();
        await settledWorkers(server, 1, 3000);
      },
    },
    {
      id: 'lifecycle.parent-death',
      level: 'MUST',
      requirement:
        'When the master is SIGKILLed, every worker exits within timeout/2 + 1.5 s (sync, which checks only when idle) or 2.5 s (other classes).',
      refs: [
        docs('unicorn', 'DESIGN', '"If the master process dies unexpectedly for any reason, workers will notice within :timeout/2 seconds"'),
        gunicornCode('workers/base.py', undefined, '"Parent changed, shutting down" when getppid() changes'),
      ],
      budgetMs: 20_000,
      async run(t) {
        const server = await t.start({ workers: 2, timeout: 4 });
        const { timeout } = server.config; // a target may raise it to its minimum (manifest settings)
        const workers = await settledWorkers(server, 2);
        const killedAt = Date.now();
        await server.signal(server.masterPid, 'SIGKILL');
        const bound = parentDeathBound(t.specClass, timeout);
        const took = await allGoneAfter(server, workers, killedAt, bound, `every worker to exit within ${bound} ms of the master's death`);
        t.evidence('lastWorkerGoneMs', took);
      },
    },
    {
      id: 'lifecycle.parent-death-prompt',
      level: 'SHOULD',
      requirement: 'When the master is SIGKILLed, every worker exits within 1 s, in every class.',
      refs: [note('the kit: better than gunicorn (sync checks only when idle, every timeout/2; eventlet never)')],
      budgetMs: 20_000,
      async run(t) {
        const server = await t.start({ workers: 2, timeout: 30 });
        const workers = await settledWorkers(server, 2);
        const killedAt = Date.now();
        await server.signal(server.masterPid, 'SIGKILL');
        const took = await allGoneAfter(server, workers, killedAt, 1000, 'every worker to exit within 1 s of the master\'s death');
        t.evidence('lastWorkerGoneMs', took);
      },
    },
    {
      id: 'lifecycle.model',
      level: 'MUST',
      requirement:
        'Under generated sequences of requests, worker SIGKILLs, short SIGSTOP stalls (where the target has a heartbeat) and the operations the target has of adding a worker, removing one and reloading, the worker count always converges to the expected N (after a reload the configured one, or the one it had where the target declares that its reload keeps the count) and requests keep being served.',
      refs: [
        docs('gunicorn', 'signals'),
        docs('puma', 'restart', 'a phased restart keeps the running workers\' count'),
        gunicornCode('arbiter.py', 'manage_workers()', 'with murder_workers()'),
      ],
      budgetMs: 120_000,
      async run(t) {
        await checkProperty(
          t,
          fc.asyncProperty(lifecycleCommands(t.target, t.target.capabilities.includes('heartbeat')), (commands) => runModel(t, commands)),
          { numRuns: 3, timeLimitMs: 60_000, noShrink: true },
        );
      },
    },
    {
      id: 'lifecycle.max-requests',
      level: 'MUST',
      requirement:
        'With max_requests set, workers are recycled: under a steady stream of requests new worker pids appear, and no worker retires before serving max_requests responses.',
      refs: [docs('gunicorn', 'settings#max-requests'), docs('gunicorn', 'settings#max-requests-jitter'), gunicornCode('workers/base.py')],
      needs: ['max-requests'],
      budgetMs: 40_000,
      async run(t) {
        const { runs } = await recycleRuns(t, 4, 2);
        check(runs.length >= 3, `only ${runs.length} worker(s) served the stream with max_requests 4`);
        for (const [pid, count] of judgedRuns(runs)) check(count >= 4, `worker ${pid} retired after ${count} responses, fewer than max_requests 4`);
      },
    },
    {
      id: 'lifecycle.max-requests-no-lost',
      level: 'SHOULD',
      requirement: 'A worker that retires at max_requests loses no request: every request of a stream sent one after another while workers recycle is answered.',
      refs: [
        docs('gunicorn', 'settings#max-requests', 'a simple method to help limit the damage of memory leaks: the restart must not cost requests'),
        gunicornCode('workers/base.py', undefined, 'the worker stops accepting, then finishes what it has'),
      ],
      needs: ['max-requests'],
      budgetMs: 40_000,
      async run(t) {
        const { runs, lost } = await recycleRuns(t, 4, 2);
        // Judged where workers did retire; how many and when is lifecycle.max-requests' rule.
        if (runs.length < 2) throw new UnmetPremise(`no worker retired during the stream (max_requests 4): nothing to judge`);
        check(lost.length === 0, `${lost.length} request(s) of the stream were not answered as workers recycled: ${lost.slice(0, 3).join('; ')}`);
      },
    },
    {
      id: 'lifecycle.max-requests-exact',
      level: 'SHOULD',
      requirement: 'Each worker serves between max_requests and max_requests + max_requests_jitter responses, never more.',
      refs: [docs('gunicorn', 'settings#max-requests-jitter', 'gthread and gevent in 20.1 overshoot: they notice the limit late')],
      needs: ['max-requests'],
      budgetMs: 40_000,
      async run(t) {
        const { runs } = await recycleRuns(t, 4, 2);
        check(runs.length >= 3, `only ${runs.length} worker(s) served the stream with max_requests 4`);
        for (const [pid, count] of judgedRuns(runs)) checkBetween(count, 4, 6, `responses served by worker ${pid}`);
      },
    },
  ],
});

/**
 * The runs whose whole count the case saw: not the last (still serving), and not the first, which
 * may have served requests the case did not send before it began (a server's own warm-up request:
 * Passenger Standalone's prespawn).
 */
function judgedRuns(runs: Array<[number, number]>): Array<[number, number]> {
  return runs.slice(1, -1);
}

/**
 * Sends close-delimited requests one at a time (so each response counts once) until three workers
 * have served or the bounds run out; returns [pid, responses] per consecutive run of one worker,
 * and the requests that got no answer (a reset or a close as a worker retired): those are the
 * rule of lifecycle.max-requests-no-lost, not of the cases that count responses.
 */
async function recycleRuns(t: CaseContext, maxRequests: number, jitter: number): Promise<{ runs: Array<[number, number]>; lost: string[] }> {
  const server = await t.start({ workers: 1, maxRequests, maxRequestsJitter: jitter });
  requireGiven(server, { workers: 1 });
  const runs: Array<[number, number]> = [];
  const lost: string[] = [];
  const deadline = deadlineIn(20_000);
  // The deadline is the bound that matters: gevent notices max_requests only once a second and
  // serves all that comes meanwhile (over 2500 close-delimited requests a second here), so a count
  // of a few thousand can run out before the first worker leaves.
  for (let i = 0; i < 100_000 && runs.length < 4 && !deadline.passed(); i++) {
    const response = await request(server, { target: '/pid', headers: [['Connection', 'close']] }, { timeoutMs: 10_000 }).catch((error: unknown) => {
      if (!(error instanceof WireError)) throw error;
      lost.push(`request ${i + 1}: ${error.message}`);
      return undefined;
    });
    if (!response) continue;
    const { pid } = answerOf<{ pid: number }>(`request ${i + 1} (GET /pid)`, '/pid', response);
    if (runs.length && runs[runs.length - 1][0] === pid) runs[runs.length - 1][1]++;
    else runs.push([pid, 1]);
  }
  t.evidence('responsesPerWorker', runs);
  if (lost.length > 0) t.evidence('unanswered', lost);
  return { runs, lost };
}
