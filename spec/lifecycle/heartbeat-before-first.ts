import { checkTiming } from '../harness/assert.ts';
import { eventually } from '../harness/eventually.ts';
import { exitWords, goneAfter, requireWorkersLoadTheApp, workerInPlaceOf } from '../harness/observe.ts';
import { docs, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { HEARTBEAT_SLACK_S } from './support.ts';

export const heartbeatBeforeFirst: SpecCase = {
  id: 'lifecycle.heartbeat-before-first',
  level: 'MUST',
  requirement: (c) =>
    `A worker that hangs before its first heartbeat (its app takes far longer than \`timeout\` to load) is killed within timeout + ${HEARTBEAT_SLACK_S} s of appearing (timeout ${c.timeout}: ${c.timeout + HEARTBEAT_SLACK_S} s), and another worker is started in its place. A preloading server, whose master loads the app before it forks, has no such worker: unsupported there.`,
  refs: [
    docs('gunicorn', 'settings#timeout', 'a worker silent for longer, loading included, is killed'),
    gunicornCode('arbiter.py', 'murder_workers()', "a worker's heartbeat file is made before fork, so its clock runs from its spawn, app loading included"),
  ],
  needs: ['heartbeat'],
  server: { workers: 1, timeout: 2, env: { CONFORM_PROBE_IMPORT_DELAY_MS: '60000' } },
  async run(t) {
    const server = await t.start(undefined, { waitReady: false });
    const latest = (server.config.timeout + HEARTBEAT_SLACK_S) * 1000; // a target may raise timeout to its minimum
    const [first] = await eventually(async () => {
      requireWorkersLoadTheApp(server);
      const workers = await server.workers();
      return workers.length > 0 ? workers : undefined;
    }, { within: 10_000, what: 'a worker process to appear', seen: () => exitWords(server) });
    const appearedAt = Date.now();
    const took = await goneAfter(server, first, appearedAt, latest + 500, `worker ${first}, still loading the app, to be killed`);
    t.evidence('killedAfterMs', took);
    checkTiming(took, 0, latest, `ms from worker ${first} appearing to its kill`);
    await workerInPlaceOf(server, first, 3000);
  },
};
