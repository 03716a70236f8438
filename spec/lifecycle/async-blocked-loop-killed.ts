import { requireGiven } from '../harness/case.ts';
import { send } from '../harness/client.ts';
import { goneAfter, settledWorkers } from '../harness/observe.ts';
import { docs, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

/**
 * How long after `timeout` a blocked async worker may take to be gone: the heartbeat's slack, and
 * gevent's own exit about 2 s after the SIGABRT that ends its request.
 */
const BLOCKED_SLACK_S = 5;

export const asyncBlockedLoopKilled: SpecCase = {
  id: 'lifecycle.async-blocked-loop-killed',
  level: 'MUST',
  requirement: (c) => `An async worker whose loop is blocked (CPU-bound request) longer than \`timeout\` is gone within timeout + ${BLOCKED_SLACK_S} s (timeout ${c.timeout}: ${c.timeout + BLOCKED_SLACK_S} s) and replaced.`,
  refs: [
    docs('gunicorn', 'settings#timeout', 'a worker that cannot communicate for longer is killed'),
    gunicornCode('workers/ggevent.py', undefined, 'a blocked hub cannot notify, so murder_workers() sends SIGABRT; gevent ends the request and the worker exits by itself about 2 s later (SIGKILL otherwise)'),
  ],
  classes: ['async'],
  needs: ['heartbeat'],
  server: { workers: 1, timeout: 2 },
  async run(t) {
    const server = await t.start();
    requireGiven(server, { workers: 1 });
    const { timeout } = server.config; // a target may raise it to its minimum (manifest settings)
    const [worker] = await settledWorkers(server, 1);
    const sentAt = Date.now();
    const connection = await send(server, { target: '/busy?ms=10000' });
    const took = await goneAfter(server, worker, sentAt, (timeout + BLOCKED_SLACK_S) * 1000, 'the blocked worker to be gone');
    t.evidence('killedAfterMs', took);
    connection.destroy();
    await settledWorkers(server, 1, 3000);
  },
};
