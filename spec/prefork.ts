// The pre-fork model itself: one master binds, forks N workers that accept on the shared socket,
// and stays out of the request path.
import { check, checkEqual } from './harness/assert.ts';
import { defineGroup, requireGiven } from './harness/case.ts';
import { getJson, hostHeader } from './harness/client.ts';
import { Connection, formatRequest } from './harness/wire.ts';
import { eventually, holds } from './harness/eventually.ts';
import { exitWords, settledWorkers, workerWords } from './harness/observe.ts';
import { docs, gunicornCode } from './harness/refs.ts';

export default defineGroup({
  name: 'prefork',
  summary:
    'The master opens the listening socket before it forks, so the kernel queues connections that ' +
    'arrive while workers boot. Workers are direct children of the master and accept on the ' +
    'inherited socket themselves: the master never touches a request.',
  cases: [
    {
      id: 'prefork.bind-before-fork',
      level: 'MUST',
      requirement:
        'The port accepts connections while the workers are still loading the app, and a connection made then is served once a worker is ready (not refused, not reset).',
      refs: [
        docs('unicorn', 'DESIGN', 'all workers share a common set of listener sockets; load balancing between them is done by the kernel'),
        gunicornCode('arbiter.py', 'start()', 'bind and listen, then spawn_workers(); workers load the app after fork'),
      ],
      async run(t) {
        const importDelay = 1500;
        const server = await t.start({ workers: 1, env: { CONFORM_PROBE_IMPORT_DELAY_MS: String(importDelay) } }, { waitReady: false });
        // The first connection the port accepts is the one used: no retry once connected.
        const connection = await eventually(() => Connection.open(server.host, server.port), {
          within: 10_000,
          every: 10,
          what: 'the port to accept a connection',
        });
        const acceptedAt = Date.now();
        await connection.write(formatRequest({ target: '/pid', headers: [['Connection', 'close']] }, hostHeader(server)));
        const response = await connection.readResponse({ timeoutMs: 15_000 });
        const waited = Date.now() - acceptedAt;
        connection.destroy();
        t.evidence('waitedForBootMs', waited);
        checkEqual(response.status, 200, 'the status of the request sent while the app loaded');
        check(waited >= importDelay / 2, `the port opened only ${waited} ms before the answer: it was not listening while the app loaded`);
      },
    },
    {
      id: 'prefork.worker-count',
      level: 'MUST',
      requirement: 'After boot there are exactly N worker processes, each a child of the master.',
      refs: [docs('gunicorn', 'settings#workers'), docs('unicorn', 'DESIGN', 'one master process spawns and reaps worker processes'), gunicornCode('arbiter.py', 'manage_workers()')],
      async run(t) {
        const server = await t.start({ workers: 3 });
        // The same target with the kit's default count (the pre-flight's server): a count that
        // does not follow what was asked is a command that never passes {workers}.
        const plain = await t.shared();
        const seen = async () => {
          const [three, other] = [await server.workers(), await plain.workers()];
          const ignored = other.length === three.length && plain.config.workers !== 3;
          return workerWords(three) + (ignored ? `; asked for ${plain.config.workers}, it runs ${other.length} too: does the manifest's command pass {workers} to the server?` : '');
        };
        await eventually(async () => (await server.workers()).length === 3, { within: 5000, what: 'three workers', seen });
        await holds(async () => (await server.workers()).length === 3, { within: 1000, what: 'the worker count staying at 3', seen: async () => workerWords(await server.workers()) });
        const pids = new Set<number>();
        for (let i = 0; i < 12 && pids.size < 2; i++) pids.add((await getJson<{ pid: number; ppid: number }>(server, '/pid')).pid);
        const workers = await server.workers();
        for (const pid of pids) check(workers.includes(pid), `request served by ${pid}, which is not a child of the master`);
      },
    },
    {
      id: 'prefork.multi-bind',
      level: 'MUST',
      requirement:
        'With several bind addresses, the same workers accept on every one of them: a single worker answers on each address (and, in the wsgi profile, SERVER_PORT names the address that accepted).',
      refs: [
        docs('gunicorn', 'settings#bind', '"Multiple addresses can be bound"'),
        docs('unicorn', 'DESIGN', 'all workers share a common set of listener sockets'),
        gunicornCode('arbiter.py', 'start()', 'creates every listener; each worker accepts on all of them'),
      ],
      needs: ['multi-bind'],
      async run(t) {
        const server = await t.start({ workers: 1, extraBinds: 2 });
        requireGiven(server, { workers: 1 });
        const [worker] = await settledWorkers(server, 1);
        for (const port of [server.port, ...server.extraPorts]) {
          const address = { host: server.host, port };
          // Readiness covers the first address only; the others may open a moment later.
          const { environ, pid } = await eventually(() => getJson<{ environ?: Record<string, unknown>; pid: number }>(address, '/echo'), {
            within: 5000,
            what: `an answer on ${server.host}:${port}`,
          });
          t.evidence(`port ${port}`, { pid, SERVER_PORT: environ?.SERVER_PORT });
          checkEqual(pid, worker, `the worker answering on port ${port} (the only one)`);
          // Only a WSGI environ promises SERVER_PORT from the socket (gunicorn's rule).
          if (environ) checkEqual(String(environ.SERVER_PORT), String(port), `SERVER_PORT of a request accepted on port ${port}`);
        }
      },
    },
    {
      id: 'prefork.master-not-in-request-path',
      level: 'MUST',
      requirement: 'With the master stopped (SIGSTOP), the workers keep accepting and serving requests.',
      refs: [docs('gunicorn', 'design', '"The master never knows anything about individual clients"'), docs('unicorn', 'DESIGN', 'the Rack application is called only within the worker process')],
      async run(t) {
        const server = await t.start({ workers: 2 });
        await getJson(server, '/pid');
        await server.signal(server.masterPid, 'SIGSTOP');
        try {
          for (let i = 0; i < 4; i++) {
            const { ppid } = await getJson<{ ppid: number }>(server, '/pid', {}, { timeoutMs: 5000 });
            checkEqual(ppid, server.masterPid, 'the serving worker\'s parent');
          }
        } finally {
          await server.signal(server.masterPid, 'SIGCONT');
        }
      },
    },
    {
      id: 'prefork.boot-error-halts',
      level: 'MUST',
      requirement: 'When the app fails at import, the master exits non-zero within 5 s and does not respawn workers in a loop.',
      refs: [docs('uwsgi', 'Options#need-app', 'exit if no app can be loaded'), gunicornCode('arbiter.py', undefined, 'WORKER_BOOT_ERROR / APP_LOAD_ERROR halt the master')],
      budgetMs: 15_000,
      async run(t) {
        const server = await t.start({ workers: 1, env: { CONFORM_PROBE_FAIL_AT_IMPORT: '1' } }, { waitReady: false });
        const status = await eventually(() => server.exitStatus(), { within: 5000, what: 'the master to exit', seen: () => exitWords(server) });
        t.evidence('exit', status);
        check(status.code !== 0 && status.code !== null, `the master exited with ${JSON.stringify(status)}, not a non-zero code`);
      },
    },
  ],
});
