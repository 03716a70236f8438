import { check, checkEqual } from '../harness/assert.ts';
import { hostHeader } from '../harness/client.ts';
import { Connection, formatRequest } from '../harness/wire.ts';
import { eventually } from '../harness/eventually.ts';
import { requireWorkersLoadTheApp } from '../harness/observe.ts';
import { docs, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

/** How long the probe takes to load: the window in which only the master can have the port open. */
const IMPORT_DELAY_MS = 1500;

export const bindBeforeFork: SpecCase = {
  id: 'prefork.bind-before-fork',
  level: 'MUST',
  requirement:
    `The port accepts connections while the workers are still loading the app (the probe takes ${IMPORT_DELAY_MS} ms), and a connection made then is served once a worker is ready (not refused, not reset). A preloading server, whose master loads the app before it forks, has no such window: unsupported there.`,
  refs: [
    docs('unicorn', 'DESIGN', 'all workers share a common set of listener sockets; load balancing between them is done by the kernel'),
    gunicornCode('arbiter.py', 'start()', 'bind and listen, then spawn_workers(); workers load the app after fork'),
  ],
  server: { workers: 1, env: { CONFORM_PROBE_IMPORT_DELAY_MS: String(IMPORT_DELAY_MS) } },
  async run(t) {
    const server = await t.start(undefined, { waitReady: false });
    // The first connection the port accepts is the one used: no retry once connected.
    const connection = await eventually(() => Connection.open(server.host, server.port), {
      within: 10_000,
      every: 10,
      what: 'the port to accept a connection',
    });
    const acceptedAt = Date.now();
    let response;
    try {
      // A preloading master has loaded the app by the time it listens (gunicorn --preload); one
      // that listens first (uWSGI) may say so only while the request waits: asked again below.
      requireWorkersLoadTheApp(server);
      await connection.write(formatRequest({ target: '/pid', headers: [['Connection', 'close']] }, hostHeader(server)));
      response = await connection.readResponse({ timeoutMs: 15_000 });
    } finally {
      connection.destroy();
    }
    const waited = Date.now() - acceptedAt;
    t.evidence('waitedForBootMs', waited);
    requireWorkersLoadTheApp(server);
    checkEqual(response.status, 200, 'the status of the request sent while the app loaded');
    check(waited >= IMPORT_DELAY_MS / 2, `the port opened only ${waited} ms before the answer: it was not listening while the app loaded`);
  },
};
