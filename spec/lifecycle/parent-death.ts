import { allGoneAfter, settledWorkers } from '../harness/observe.ts';
import { docs, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { parentDeathBound } from './support.ts';

export const parentDeath: SpecCase = {
  id: 'lifecycle.parent-death',
  level: 'MUST',
  requirement:
    'When the master is SIGKILLed, every worker exits within timeout/2 + 1.5 s (sync, which checks only when idle) or 2.5 s (other classes).',
  refs: [
    docs('unicorn', 'DESIGN', '"If the master process dies unexpectedly for any reason, workers will notice within :timeout/2 seconds"'),
    gunicornCode('workers/base.py', undefined, '"Parent changed, shutting down" when getppid() changes'),
  ],
  budgetMs: 20_000,
  async run(t) {
    const server = await t.start({ workers: 2, timeout: 4 });
    const { timeout } = server.config; // a target may raise it to its minimum (manifest settings)
    const workers = await settledWorkers(server, 2);
    const killedAt = Date.now();
    await server.signal(server.masterPid, 'SIGKILL');
    const bound = parentDeathBound(t.specClass, timeout);
    const took = await allGoneAfter(server, workers, killedAt, bound, `every worker to exit within ${bound} ms of the master's death`);
    t.evidence('lastWorkerGoneMs', took);
  },
};
