import { checkTiming } from '../harness/assert.ts';
import { goneAfter, servingWorker, workerInPlaceOf } from '../harness/observe.ts';
import { docs, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

export const heartbeatTimeout: SpecCase = {
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
};
