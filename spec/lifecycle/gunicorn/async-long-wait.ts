import { check } from '../../harness/assert.ts';
import { requireGiven } from '../../harness/case.ts';
import { getJson } from '../../harness/client.ts';
import { settledWorkers } from '../../harness/observe.ts';
import { gunicornCode } from '../../harness/refs.ts';
import type { SpecCase } from '../../harness/case.ts';

export const asyncLongWait: SpecCase = {
  id: 'lifecycle.async-long-wait',
  level: 'MUST',
  requirement: 'An async request that waits cooperatively longer than `timeout` completes with 200.',
  refs: [gunicornCode('workers/base_async.py', undefined, 'with ggevent.py: a greenlet notifies every second')],
  profile: 'gunicorn',
  classes: ['async'],
  needs: ['heartbeat'],
  server: { workers: 1, timeout: 2 },
  async run(t) {
    const server = await t.start();
    requireGiven(server, { workers: 1 });
    const { timeout } = server.config; // a target may raise it to its minimum (manifest settings)
    const [worker] = await settledWorkers(server, 1);
    const answer = await getJson<{ pid: number }>(server, `/sleep?ms=${timeout * 3000}`, {}, { timeoutMs: timeout * 3000 + 9000 });
    const after = await getJson<{ pid: number }>(server, '/pid');
    check(answer.pid === worker && after.pid === worker && (await server.alive(worker)), `worker ${worker} did not survive the wait`);
  },
};
