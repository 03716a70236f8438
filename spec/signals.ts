// Signals to the master: TERM graceful, INT/QUIT quick, HUP reload, TTIN/TTOU resize.
import net from 'node:net';
import { check, checkEqual, checkTiming } from './harness/assert.ts';
import { defineGroup } from './harness/case.ts';
import { getJson, send } from './harness/client.ts';
import { deadlineIn, eventually } from './harness/eventually.ts';
import { bytesWords, exitWords, settledWorkers, workerWords } from './harness/observe.ts';
import type { Server } from './harness/types.ts';
import type { Connection } from './harness/wire.ts';

/** Starts a streamed response whose first chunk proves the request is in flight on a worker. */
async function inFlight(server: Server, chunks: number, delayMs: number): Promise<Connection> {
  const connection = await send(server, { target: `/stream?chunks=${chunks}&bytes=4&delay=${delayMs}` });
  await eventually(() => connection.pending.includes('0000'), { within: 5000, what: 'the first streamed chunk', seen: () => bytesWords(connection.pending) });
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
    'The master is driven by signals. TERM stops gracefully: listeners close, workers finish what ' +
    'they have within graceful_timeout, the master exits 0. INT and QUIT stop at once. HUP ' +
    'replaces every worker (new ones first) keeping the master. TTIN adds a worker, TTOU removes ' +
    'the oldest, never going below one.',
  cases: [
    {
      id: 'signals.term-graceful',
      level: 'MUST',
      requirement:
        'On TERM, a request in flight completes, the port stops accepting new connections, and the master exits 0.',
      source: 'gunicorn docs: signals ("TERM: Graceful shutdown"); arbiter.py stop(graceful=True)',
      needs: ['signals'],
      async run(t) {
        const server = await t.start({ workers: 1, gracefulTimeout: 10 });
        const connection = await inFlight(server, 3, 700);
        await server.signal(server.masterPid, 'SIGTERM');
        const response = await connection.readResponse({ timeoutMs: 8000 });
        checkEqual(response.body.toString(), '000011112222', 'the streamed body of the in-flight request');
        await eventually(() => refused(server), { within: 5000, what: 'new connections to be refused', seen: () => 'new connections were still accepted' });
        const status = await eventually(() => server.exitStatus(), { within: 5000, what: 'the master to exit', seen: () => exitWords(server) });
        checkEqual(status, { code: 0, signal: null }, 'the master\'s exit status');
      },
    },
    {
      id: 'signals.term-graceful-timeout',
      level: 'MUST',
      requirement: 'On TERM, a request still running after graceful_timeout is cut off at about graceful_timeout (within +3 s) and the master exits.',
      source: 'gunicorn docs: settings "graceful_timeout"; arbiter.py stop(): SIGKILL after graceful_timeout',
      needs: ['signals'],
      async run(t) {
        const gracefulTimeout = 2;
        const server = await t.start({ workers: 1, gracefulTimeout });
        const connection = await inFlight(server, 3, 10_000);
        const termAt = Date.now();
        await server.signal(server.masterPid, 'SIGTERM');
        const closed = await connection.waitClosed(gracefulTimeout * 1000 + 3000);
        const cutAfter = Date.now() - termAt;
        t.evidence('cut', { closed, cutAfter });
        check(closed !== 'open', `the in-flight request was still open ${cutAfter} ms after TERM`);
        checkTiming(cutAfter, gracefulTimeout * 1000 - 500, gracefulTimeout * 1000 + 3000, 'ms from TERM to the cut');
        await eventually(() => server.exitStatus(), { within: 3000, what: 'the master to exit', seen: () => exitWords(server) });
      },
    },
    {
      id: 'signals.quit-fast',
      level: 'MUST',
      requirement: 'On QUIT or INT, the master and its workers are gone within 2 s even with a request in flight.',
      source: 'gunicorn docs: signals ("QUIT, INT: Quick shutdown")',
      classes: ['sync'],
      needs: ['signals'],
      async run(t) {
        for (const signal of ['SIGQUIT', 'SIGINT'] as const) {
          const server = await t.start({ workers: 1, gracefulTimeout: 30 });
          const connection = await inFlight(server, 3, 10_000);
          const workers = await server.workers();
          await server.signal(server.masterPid, signal);
          await eventually(() => server.exitStatus(), { within: 2000, what: `the master to exit after ${signal}`, seen: () => exitWords(server) });
          for (const pid of workers) check(!(await server.alive(pid)), `worker ${pid} outlived the master after ${signal}`);
          connection.destroy();
        }
      },
    },
    {
      id: 'signals.ttin-ttou',
      level: 'MUST',
      requirement: 'TTIN adds one worker; TTOU removes one, the oldest first, and never goes below one worker.',
      source: 'gunicorn docs: signals ("TTIN", "TTOU"); arbiter.py manage_workers() kills the oldest',
      needs: ['signals'],
      async run(t) {
        const server = await t.start({ workers: 2 });
        const [oldest, second] = await settledWorkers(server, 2);
        await server.signal(server.masterPid, 'SIGTTIN');
        const three = await settledWorkers(server, 3, 3000);
        check(three.includes(oldest) && three.includes(second), 'TTIN replaced existing workers instead of adding one');
        await server.signal(server.masterPid, 'SIGTTOU');
        const afterOne = await settledWorkers(server, 2, 3000);
        check(!afterOne.includes(oldest), `TTOU kept the oldest worker ${oldest} (left: ${afterOne})`);
        await server.signal(server.masterPid, 'SIGTTOU');
        await settledWorkers(server, 1, 3000);
        await server.signal(server.masterPid, 'SIGTTOU');
        // The count must not drop to zero: give the master time to act on the signal, then look.
        await eventually(async () => (await server.workers()).length === 1 && (await getJson(server, '/pid')), {
          within: 3000,
          what: 'one worker still serving after a TTOU at one worker',
          seen: async () => workerWords(await server.workers()),
        });
        await settledWorkers(server, 1, 1000);
      },
    },
    {
      id: 'signals.hup-reload',
      level: 'MUST',
      requirement: 'On HUP, every worker pid is replaced, the master pid stays, and the count is the configured N again (TTIN/TTOU adjustments end).',
      source: 'gunicorn docs: signals ("HUP: Reload the configuration, start the new worker processes ... gracefully shutdown older workers")',
      needs: ['signals'],
      async run(t) {
        const server = await t.start({ workers: 2 });
        const before = await settledWorkers(server, 2);
        await server.signal(server.masterPid, 'SIGHUP');
        await eventually(
          async () => {
            const now = await server.workers();
            return now.length === 2 && now.every((p) => !before.includes(p));
          },
          { within: 10_000, what: 'two new workers and none of the old', seen: async () => `${workerWords(await server.workers())}; the old ones were ${before.join(', ')}` },
        );
        check(server.exitStatus() === null, 'the master exited on HUP');
        const { ppid } = await getJson<{ ppid: number }>(server, '/pid');
        checkEqual(ppid, server.masterPid, 'the new workers\' parent');
      },
    },
    {
      id: 'signals.hup-no-lost-requests',
      level: 'SHOULD',
      requirement: 'Requests sent one after another during a HUP reload all succeed.',
      source: 'gunicorn docs: signals (HUP starts new workers before stopping the old ones)',
      needs: ['signals'],
      async run(t) {
        const server = await t.start({ workers: 2 });
        const before = await settledWorkers(server, 2);
        await server.signal(server.masterPid, 'SIGHUP');
        let served = 0;
        const deadline = deadlineIn(8000);
        for (;;) {
          await getJson(server, '/pid', {}, { timeoutMs: 5000 });
          served++;
          const now = await server.workers();
          if (now.length === 2 && now.every((p) => !before.includes(p))) break;
          check(!deadline.passed(), `the reload did not finish within ${deadline.ms} ms`);
        }
        t.evidence('servedDuringReload', served);
      },
    },
    {
      id: 'signals.term-backlog-served',
      level: 'SHOULD',
      requirement: 'Connections already waiting in the listen backlog when TERM arrives are served, not reset.',
      source: 'gunicorn issues #2529 and #2409 (20.1: sync workers exit and the backlog gets RST)',
      needs: ['signals'],
      async run(t) {
        const server = await t.start({ workers: 1, gracefulTimeout: 10 });
        const busy = await inFlight(server, 2, 800);
        const waiting = await Promise.all(
          [1, 2, 3].map(async () => {
            const connection = await send(server, { target: '/pid', headers: [['Connection', 'close']] });
            return connection;
          }),
        );
        await server.signal(server.masterPid, 'SIGTERM');
        await busy.readResponse({ timeoutMs: 5000 });
        const outcomes = await Promise.all(
          waiting.map((c) => c.readResponse({ timeoutMs: 8000 }).then((r) => r.status, (e: Error) => e.message)),
        );
        t.evidence('waitingOutcomes', outcomes);
        check(outcomes.every((o) => o === 200), `connections waiting at TERM were not all served: ${JSON.stringify(outcomes)}`);
      },
    },
  ],
});
