import { requireGiven } from '../harness/case.ts';
import { send } from '../harness/client.ts';
import { goneAfter, settledWorkers } from '../harness/observe.ts';
import { docs, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

export const asyncBlockedLoopKilled: SpecCase = {
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
};
