import { check } from '../../harness/assert.ts';
import { requireGiven } from '../../harness/case.ts';
import { getJson } from '../../harness/client.ts';
import { holds } from '../../harness/eventually.ts';
import { settledWorkers } from '../../harness/observe.ts';
import { docs, gunicornCode } from '../../harness/refs.ts';
import type { SpecCase } from '../../harness/case.ts';

const STOPPED_S = 3;

export const timeoutZeroDisables: SpecCase = {
  id: 'lifecycle.timeout-zero-disables',
  level: 'MUST',
  requirement: `With timeout 0 the heartbeat check is off: a worker stopped for ${STOPPED_S} s survives.`,
  refs: [docs('gunicorn', 'settings#timeout', '"Value is a positive number or 0. Setting it to 0 ... disabling of timeouts"'), gunicornCode('arbiter.py', 'murder_workers()')],
  profile: 'gunicorn',
  needs: ['heartbeat'],
  server: { workers: 1, timeout: 0 },
  async run(t) {
    const server = await t.start();
    requireGiven(server, { workers: 1 });
    const [worker] = await settledWorkers(server, 1);
    await server.signal(worker, 'SIGSTOP');
    try {
      await holds(() => server.alive(worker), { within: STOPPED_S * 1000, what: `stopped worker ${worker} staying alive`, seen: () => `worker ${worker} is gone` });
    } finally {
      await server.signal(worker, 'SIGCONT');
    }
    const { pid } = await getJson<{ pid: number }>(server, '/pid');
    check(pid === worker, `worker ${worker} was replaced by ${pid}`);
  },
};
