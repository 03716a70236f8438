// Operations on the master, by the target's signals (gunicorn's: TERM graceful, INT/QUIT quick,
// HUP reload, TTIN/TTOU resize): what each does is the model; which signal does it is the target's.
import net from 'node:net';
import { check, checkBetween, checkEqual, checkTiming } from './harness/assert.ts';
import { defineGroup, requireGiven } from './harness/case.ts';
import { getJson, send } from './harness/client.ts';
import { deadlineIn, eventually, holds, scaled } from './harness/eventually.ts';
import { bytesWords, exitWords, settledWorkers, workerWords } from './harness/observe.ts';
import { perform, performStep, stepsFor } from './harness/operations.ts';
import type { Server } from './harness/types.ts';
import { WireError, type Connection } from './harness/wire.ts';
import { docs, gunicornCode, gunicornIssues, note } from './harness/refs.ts';

/**
 * Starts a streamed response and returns once the request is in flight on a worker: its first
 * chunk arrived, or, where the server buffers bodies (no byte leaves before the app ends), the
 * probe logged that the app started it.
 */
async function inFlight(server: Server, chunks: number, delayMs: number): Promise<Connection> {
  const tag = `s${process.hrtime.bigint()}`;
  const connection = await send(server, { target: `/stream?chunks=${chunks}&bytes=4&delay=${delayMs}&tag=${tag}` });
  const said = `conform-probe: stream tag=${tag} `;
  await eventually(() => connection.pending.includes('0000') || server.logs().includes(said), {
    within: 5000,
    what: 'the first streamed chunk (or the probe\'s "stream" log line)',
    seen: () => `${bytesWords(connection.pending)}, no "stream" line logged`,
  });
  return connection;
}

function refused(server: Server): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: server.host, port: server.port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

export default defineGroup({
  name: 'signals',
  summary:
    'The master is driven by signals; each target says which signal does what (gunicorn: TERM, ' +
    'QUIT/INT, HUP, TTIN, TTOU). A graceful stop closes the listeners, lets workers finish what ' +
    'they have within graceful_timeout, and exits as the target declares (gunicorn: 0). A quick ' +
    'stop ends everything at once. A reload replaces every worker (new ones first) keeping the ' +
    'master. Adding and removing a worker change the count by one; gunicorn removes the oldest ' +
    'and never goes below one.',
  cases: [
    {
      id: 'signals.term-graceful',
      level: 'MUST',
      requirement:
        'On a graceful stop (gunicorn: TERM), a request in flight completes, the port stops accepting new connections, and the master exits as the target declares (gunicorn: status 0).',
      refs: [
        docs('gunicorn', 'signals', '"TERM: Graceful shutdown"'),
        docs('unicorn', 'SIGNALS', 'QUIT: graceful'),
        docs('puma', 'signals', 'TERM re-raised'),
        gunicornCode('arbiter.py', 'stop()', 'graceful=True'),
      ],
      operations: ['gracefulStop'],
      async run(t) {
        const server = await t.start({ workers: 1, gracefulTimeout: 10 });
        const connection = await inFlight(server, 3, 700);
        await perform(t, server, 'gracefulStop');
        const response = await connection.readResponse({ timeoutMs: 8000 });
        checkEqual(response.body.toString(), '000011112222', 'the streamed body of the in-flight request');
        await eventually(() => refused(server), { within: 5000, what: 'new connections to be refused', seen: () => 'new connections were still accepted' });
        const status = await eventually(() => server.exitStatus(), { within: 5000, what: 'the master to exit', seen: () => exitWords(server) });
        checkEqual(status, t.target.gracefulExit, 'the master\'s exit status (operations.gracefulExit)');
      },
    },
    {
      id: 'signals.term-graceful-timeout',
      level: 'MUST',
      requirement: 'On a graceful stop, a request still running after graceful_timeout is cut off at about graceful_timeout (within +3 s) and the master exits.',
      refs: [docs('gunicorn', 'settings#graceful-timeout'), gunicornCode('arbiter.py', 'stop()', 'SIGKILL after graceful_timeout')],
      operations: ['gracefulStop'],
      settings: ['gracefulTimeout'],
      async run(t) {
        const gracefulTimeout = 2;
        const server = await t.start({ workers: 1, gracefulTimeout });
        const connection = await inFlight(server, 3, 10_000);
        const stopAt = Date.now();
        await perform(t, server, 'gracefulStop');
        const closed = await connection.waitClosed(gracefulTimeout * 1000 + 3000);
        const cutAfter = Date.now() - stopAt;
        t.evidence('cut', { closed, cutAfter });
        check(closed !== 'open', `the in-flight request was still open ${cutAfter} ms after the graceful stop`);
        checkTiming(cutAfter, gracefulTimeout * 1000 - 500, gracefulTimeout * 1000 + 3000, 'ms from the graceful stop to the cut');
        await eventually(() => server.exitStatus(), { within: 3000, what: 'the master to exit', seen: () => exitWords(server) });
      },
    },
    {
      id: 'signals.quit-fast',
      level: 'MUST',
      requirement: 'On a quick stop (gunicorn: QUIT or INT; each signal the target lists), the master and its workers are gone within 2 s even with a request in flight.',
      refs: [docs('gunicorn', 'signals', '"QUIT, INT: Quick shutdown"'), docs('unicorn', 'SIGNALS', 'TERM, INT: quick shutdown')],
      classes: ['sync'],
      operations: ['quickStop'],
      async run(t) {
        for (const step of stepsFor(t, 'quickStop')) {
          const server = await t.start({ workers: 1, gracefulTimeout: 30 });
          const connection = await inFlight(server, 3, 10_000);
          const workers = await server.workers();
          const signal = await performStep(server, step);
          await eventually(() => server.exitStatus(), { within: 2000, what: `the master to exit after ${signal}`, seen: () => exitWords(server) });
          for (const pid of workers) check(!(await server.alive(pid)), `worker ${pid} outlived the master after ${signal}`);
          connection.destroy();
        }
      },
    },
    {
      id: 'signals.ttin-ttou',
      level: 'MUST',
      requirement: 'Adding a worker (gunicorn: TTIN) adds one and keeps the others; removing one (TTOU) removes one and keeps the others.',
      refs: [docs('gunicorn', 'signals', 'TTIN, TTOU'), docs('unicorn', 'SIGNALS', 'TTIN, TTOU'), docs('puma', 'signals')],
      operations: ['addWorker', 'removeWorker'],
      async run(t) {
        const server = await t.start({ workers: 2 });
        const [oldest, second] = await settledWorkers(server, 2);
        await perform(t, server, 'addWorker');
        const three = await settledWorkers(server, 3, 3000);
        check(three.includes(oldest) && three.includes(second), 'adding a worker replaced existing workers instead of adding one');
        await perform(t, server, 'removeWorker');
        const two = await settledWorkers(server, 2, 3000);
        check(two.every((pid) => three.includes(pid)), `removing a worker started another (${two} after ${three})`);
        await getJson(server, '/pid');
      },
    },
    {
      id: 'signals.ttou-oldest-first',
      level: 'MUST',
      requirement: 'TTOU removes the oldest worker first.',
      refs: [gunicornCode('arbiter.py', 'manage_workers()', 'sorted by age, the oldest is killed')],
      profile: 'gunicorn',
      operations: ['addWorker', 'removeWorker'],
      async run(t) {
        const server = await t.start({ workers: 2 });
        const [oldest, second] = await settledWorkers(server, 2);
        await perform(t, server, 'addWorker');
        await settledWorkers(server, 3, 3000);
        await perform(t, server, 'removeWorker');
        const left = await settledWorkers(server, 2, 3000);
        check(!left.includes(oldest), `TTOU kept the oldest worker ${oldest} and removed another (left: ${left}; the second oldest was ${second})`);
      },
    },
    {
      id: 'signals.ttou-never-below-one',
      level: 'MUST',
      requirement: 'TTOU at one worker leaves that worker serving: the count never goes below one.',
      refs: [
        gunicornCode('arbiter.py', 'handle_ttou()', '"if self.num_workers <= 1: return"'),
        note('Unicorn, by contrast, goes to zero (http_server.rb: TTOU "if self.worker_processes > 0")'),
      ],
      profile: 'gunicorn',
      operations: ['removeWorker'],
      async run(t) {
        const server = await t.start({ workers: 1 });
        requireGiven(server, { workers: 1 });
        await settledWorkers(server, 1);
        await perform(t, server, 'removeWorker');
        // The count must not drop to zero: it holds at one while the master acts on the signal.
        await holds(async () => (await server.workers()).length === 1, {
          within: 2500,
          what: 'one worker after TTOU at one worker',
          seen: async () => workerWords(await server.workers()),
        });
        await getJson(server, '/pid');
      },
    },
    {
      id: 'signals.hup-reload',
      level: 'MUST',
      requirement: 'On a reload (gunicorn: HUP), every worker pid is replaced, the master pid stays, and the count is the configured N again.',
      refs: [
        docs('gunicorn', 'signals', '"HUP: Reload the configuration, start the new worker processes ... gracefully shutdown older workers"'),
        docs('uwsgi', 'Management', 'HUP: graceful reload'),
      ],
      operations: ['reload'],
      async run(t) {
        const server = await t.start({ workers: 2 });
        const before = await settledWorkers(server, 2);
        await perform(t, server, 'reload');
        await eventually(
          async () => {
            const now = await server.workers();
            return now.length === 2 && now.every((p) => !before.includes(p));
          },
          { within: 10_000, what: 'two new workers and none of the old', seen: async () => `${workerWords(await server.workers())}; the old ones were ${before.join(', ')}` },
        );
        check(server.exitStatus() === null, 'the master exited on a reload');
        const { ppid } = await getJson<{ ppid: number }>(server, '/pid');
        checkEqual(ppid, server.masterPid, 'the new workers\' parent');
      },
    },
    {
      id: 'signals.hup-no-lost-requests',
      level: 'SHOULD',
      requirement: 'Requests sent one after another during a reload all succeed.',
      refs: [docs('gunicorn', 'signals', 'HUP starts new workers before stopping the old ones')],
      operations: ['reload'],
      async run(t) {
        const server = await t.start({ workers: 2 });
        const before = await settledWorkers(server, 2);
        await perform(t, server, 'reload');
        let served = 0;
        let finished = false;
        // Requests go on until the reload is over, for 8 s at most: a reload slower than that is
        // not this rule's to judge (whether it completes is signals.hup-reload's), and what was
        // sent meanwhile has all been answered.
        const deadline = deadlineIn(8000);
        while (!finished && !deadline.passed()) {
          await getJson(server, '/pid', {}, { timeoutMs: 5000 });
          served++;
          const now = await server.workers();
          finished = now.length === 2 && now.every((p) => !before.includes(p));
        }
        t.evidence('servedDuringReload', served);
        t.evidence('reloadFinished', finished);
      },
    },
    {
      id: 'signals.hup-keeps-capacity',
      level: 'SHOULD',
      requirement:
        'A reload keeps every old worker serving until a new one is ready to take its place: with an app that takes 2 s to load, no request sent one after another during the reload waits 1 s or more.',
      refs: [
        docs('gunicorn', 'signals', 'HUP: "start the new worker processes with a new configuration and gracefully shutdown older workers"'),
        docs('puma', 'restart', 'phased restart'),
        docs('uwsgi', 'articles/TheArtOfGracefulReloading', 'chain reload'),
      ],
      operations: ['reload'],
      budgetMs: 40_000,
      async run(t) {
        // Loading takes LOAD_MS: a new worker is ready that long after it starts. A server that
        // stops its old workers at once leaves the requests of those seconds waiting. Scaled like
        // every bound, so that the check keeps its meaning under --timeout-multiplier.
        const LOAD_MS = scaled(2000);
        const server = await t.start({ workers: 2, timeout: 30, env: { CONFORM_PROBE_IMPORT_DELAY_MS: String(LOAD_MS) } });
        const before = await settledWorkers(server, 2);
        // Serving before the reload: both workers loaded the app (rounds of concurrent requests
        // until each has answered one).
        const answered = new Set<number>();
        await eventually(
          async () => {
            const round = await Promise.all([0, 1, 2, 3].map(() => getJson<{ pid: number }>(server, '/sleep?ms=100', {}, { timeoutMs: 10_000 })));
            for (const { pid } of round) answered.add(pid);
            return before.every((pid) => answered.has(pid));
          },
          { within: 20_000, what: 'both workers to answer before the reload', seen: () => `answers from ${[...answered].join(', ') || 'none'}; workers ${before.join(', ')}` },
        );
        await perform(t, server, 'reload');
        const waits: number[] = [];
        const deadline = deadlineIn(20_000);
        const unanswered: string[] = [];
        // The reload is over once the new workers serve: both old ones gone is not enough (the new
        // ones may still be loading, and the next request would wait for them).
        let servedByNew = false;
        for (;;) {
          const sent = Date.now();
          // A request lost in the reload is signals.hup-no-lost-requests' rule; this one's is waiting.
          const answer = await getJson<{ pid: number }>(server, '/pid', {}, { timeoutMs: 10_000 }).catch((error: unknown) => {
            if (!(error instanceof WireError)) throw error;
            unanswered.push(error.message);
          });
          waits.push(Date.now() - sent);
          if (answer && !before.includes(answer.pid)) servedByNew = true;
          const now = await server.workers();
          if (servedByNew && now.length === 2 && now.every((p) => !before.includes(p))) break;
          check(!deadline.passed(), `the reload did not finish within ${deadline.ms} ms`);
        }
        const longest = Math.max(...waits);
        t.evidence('requestsDuringReload', waits.length);
        t.evidence('longestWaitMs', longest);
        if (unanswered.length > 0) t.evidence('unanswered', unanswered);
        checkBetween(longest, 0, LOAD_MS / 2, `ms the longest request of the reload waited (the app takes ${LOAD_MS} ms to load)`);
      },
    },
    {
      id: 'signals.term-backlog-served',
      level: 'SHOULD',
      requirement: 'Connections already waiting in the listen backlog when a graceful stop begins are served, not reset.',
      refs: [gunicornIssues([2529, 2409], '20.1: sync workers exit and the backlog gets RST')],
      operations: ['gracefulStop'],
      async run(t) {
        const server = await t.start({ workers: 1, gracefulTimeout: 10 });
        const busy = await inFlight(server, 2, 800);
        const waiting = await Promise.all(
          [1, 2, 3].map(async () => {
            const connection = await send(server, { target: '/pid', headers: [['Connection', 'close']] });
            return connection;
          }),
        );
        await perform(t, server, 'gracefulStop');
        await busy.readResponse({ timeoutMs: 5000 });
        const outcomes = await Promise.all(
          waiting.map((c) => c.readResponse({ timeoutMs: 8000 }).then((r) => r.status, (e: Error) => e.message)),
        );
        t.evidence('waitingOutcomes', outcomes);
        check(outcomes.every((o) => o === 200), `connections waiting when the graceful stop began were not all served: ${JSON.stringify(outcomes)}`);
      },
    },
  ],
});
