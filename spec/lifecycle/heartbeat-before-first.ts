import { checkTiming } from '../harness/assert.ts';
import { eventually } from '../harness/eventually.ts';
import { exitWords, goneAfter, workerInPlaceOf } from '../harness/observe.ts';
import { docs, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

export const heartbeatBeforeFirst: SpecCase = {
  id: 'lifecycle.heartbeat-before-first',
  level: 'MUST',
  requirement:
    'A worker that hangs before its first heartbeat (its app takes far longer than `timeout` to load) is killed within timeout + 3 s of appearing, and another worker is started in its place.',
  refs: [
    docs('gunicorn', 'settings#timeout', 'a worker silent for longer, loading included, is killed'),
    gunicornCode('arbiter.py', 'murder_workers()', "a worker's heartbeat file is made before fork, so its clock runs from its spawn, app loading included"),
  ],
  needs: ['heartbeat'],
  async run(t) {
    const server = await t.start({ workers: 1, timeout: 2, env: { CONFORM_PROBE_IMPORT_DELAY_MS: '60000' } }, { waitReady: false });
    const { timeout } = server.config; // a target may raise it to its minimum (manifest settings)
    const [first] = await eventually(async () => {
      const workers = await server.workers();
      return workers.length > 0 ? workers : undefined;
    }, { within: 10_000, what: 'a worker process to appear', seen: () => exitWords(server) });
    const appearedAt = Date.now();
    const took = await goneAfter(server, first, appearedAt, (timeout + 3) * 1000 + 500, `worker ${first}, still loading the app, to be killed`);
    t.evidence('killedAfterMs', took);
    checkTiming(took, 0, (timeout + 3) * 1000, `ms from worker ${first} appearing to its kill`);
    await workerInPlaceOf(server, first, 3000);
  },
};
