import { allGoneAfter, settledWorkers } from '../harness/observe.ts';
import { docs, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import type { ServerConfig } from '../harness/types.ts';

/** A sync worker checks its parent when idle, every timeout/2: the check, then its exit. */
const SYNC_SLACK_S = 1.5;
/** Every other class checks on its own clock (gunicorn: each loop turn, at most 1 s apart). */
const OTHER_CLASSES_S = 2.5;
/** How long after the master's death every worker must be gone, in ms. */
const parentDeathBound = (c: Pick<ServerConfig, 'specClass' | 'timeout'>) => (c.specClass === 'sync' ? c.timeout / 2 + SYNC_SLACK_S : OTHER_CLASSES_S) * 1000;

export const parentDeath: SpecCase = {
  id: 'lifecycle.parent-death',
  level: 'MUST',
  requirement: (c) =>
    `When the master is SIGKILLed, every worker exits within timeout/2 + ${SYNC_SLACK_S} s (sync, which checks only when idle) or ${OTHER_CLASSES_S} s (other classes); with timeout ${c.timeout}: ${parentDeathBound({ ...c, specClass: 'sync' }) / 1000} s for sync.`,
  refs: [
    docs('unicorn', 'DESIGN', '"If the master process dies unexpectedly for any reason, workers will notice within :timeout/2 seconds"'),
    gunicornCode('workers/base.py', undefined, '"Parent changed, shutting down" when getppid() changes'),
  ],
  budgetMs: 20_000,
  server: { workers: 2, timeout: 4 },
  async run(t) {
    const server = await t.start();
    const workers = await settledWorkers(server, 2);
    const killedAt = Date.now();
    await server.signal(server.masterPid, 'SIGKILL');
    const bound = parentDeathBound(server.config); // a target may raise timeout to its minimum
    const took = await allGoneAfter(server, workers, killedAt, bound, `every worker to exit within ${bound} ms of the master's death`);
    t.evidence('lastWorkerGoneMs', took);
  },
};
