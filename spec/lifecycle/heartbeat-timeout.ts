import { checkTiming } from '../harness/assert.ts';
import { goneAfter, servingWorker, workerInPlaceOf } from '../harness/observe.ts';
import { docs, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import type { ServerConfig } from '../harness/types.ts';
import { HEARTBEAT_SLACK_S } from './support.ts';

/** ms from SIGSTOP to the kill: not before timeout/2 (an idle sync worker beats every timeout/2), by timeout + the slack. */
const killWindow = ({ timeout }: Pick<ServerConfig, 'timeout'>) => ({ earliest: (timeout / 2) * 1000 - 100, latest: (timeout + HEARTBEAT_SLACK_S) * 1000 });

export const heartbeatTimeout: SpecCase = {
  id: 'lifecycle.heartbeat-timeout',
  level: 'MUST',
  requirement: (c) =>
    `A worker stopped (SIGSTOP) for longer than \`timeout\` is killed and replaced; the kill comes between timeout/2 (an idle sync worker heartbeats every timeout/2) and timeout + ${HEARTBEAT_SLACK_S} s after the stop (timeout ${c.timeout}: ${c.timeout / 2} to ${c.timeout + HEARTBEAT_SLACK_S} s).`,
  refs: [docs('gunicorn', 'settings#timeout', '"Workers silent for more than this many seconds are killed and restarted"'), gunicornCode('arbiter.py', 'murder_workers()'), gunicornCode('workers/base.py', 'notify()')],
  needs: ['heartbeat'],
  server: { workers: 1, timeout: 2 },
  async run(t) {
    const server = await t.start();
    const { earliest, latest } = killWindow(server.config); // a target may raise timeout to its minimum
    const victim = await servingWorker(server);
    const stoppedAt = Date.now();
    await server.signal(victim, 'SIGSTOP');
    const took = await goneAfter(server, victim, stoppedAt, latest + 500, 'the stopped worker to be killed');
    t.evidence('killedAfterMs', took);
    checkTiming(took, earliest, latest, 'ms from SIGSTOP to the kill');
    await workerInPlaceOf(server, victim, 2000);
  },
};
