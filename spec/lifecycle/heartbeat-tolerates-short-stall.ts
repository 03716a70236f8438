import { check } from '../harness/assert.ts';
import { getJson } from '../harness/client.ts';
import { holds, waitUntil } from '../harness/eventually.ts';
import { servingWorker } from '../harness/observe.ts';
import { docs, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

export const heartbeatToleratesShortStall: SpecCase = {
  id: 'lifecycle.heartbeat-tolerates-short-stall',
  level: 'MUST',
  requirement: (c) => `A worker stopped for timeout/4 (${c.timeout / 4} s at timeout ${c.timeout}) and then resumed (SIGCONT) is not killed: the same pid keeps running.`,
  refs: [docs('gunicorn', 'settings#timeout', 'only silence longer than timeout'), gunicornCode('arbiter.py', 'murder_workers()', 'only heartbeats older than timeout count')],
  needs: ['heartbeat'],
  server: { workers: 1, timeout: 4 },
  async run(t) {
    const server = await t.start();
    const { timeout } = server.config; // a target may raise it to its minimum (manifest settings)
    const worker = await servingWorker(server);
    await server.signal(worker, 'SIGSTOP');
    await waitUntil(Date.now() + (timeout / 4) * 1000); // the stall window
    await server.signal(worker, 'SIGCONT');
    await holds(() => server.alive(worker), { within: (timeout / 2) * 1000 + 1500, what: `worker ${worker} staying alive after SIGCONT`, seen: () => `worker ${worker} is gone` });
    const { pid } = await getJson<{ pid: number }>(server, '/pid');
    check(pid === worker, `a different worker (${pid}) answered: ${worker} was replaced`);
  },
};
