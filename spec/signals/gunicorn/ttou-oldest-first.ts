import { check } from '../../harness/assert.ts';
import { settledWorkers } from '../../harness/observe.ts';
import { perform } from '../../harness/operations.ts';
import { gunicornCode } from '../../harness/refs.ts';
import type { SpecCase } from '../../harness/case.ts';

export const ttouOldestFirst: SpecCase = {
  id: 'signals.ttou-oldest-first',
  level: 'MUST',
  requirement: 'TTOU removes the oldest worker first.',
  refs: [gunicornCode('arbiter.py', 'manage_workers()', 'sorted by age, the oldest is killed')],
  profile: 'gunicorn',
  operations: ['addWorker', 'removeWorker'],
  server: { workers: 2 },
  async run(t) {
    const server = await t.start();
    const n = server.config.workers;
    const [oldest, second] = await settledWorkers(server, n);
    await perform(t, server, 'addWorker');
    await settledWorkers(server, n + 1, 3000);
    await perform(t, server, 'removeWorker');
    const left = await settledWorkers(server, n, 3000);
    check(!left.includes(oldest), `TTOU kept the oldest worker ${oldest} and removed another (left: ${left}; the second oldest was ${second})`);
  },
};
