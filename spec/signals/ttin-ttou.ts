import { check } from '../harness/assert.ts';
import { getJson } from '../harness/client.ts';
import { settledWorkers } from '../harness/observe.ts';
import { perform } from '../harness/operations.ts';
import { docs } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

export const ttinTtou: SpecCase = {
  id: 'signals.ttin-ttou',
  level: 'MUST',
  requirement: 'Adding a worker (gunicorn: TTIN) adds one and keeps the others; removing one (TTOU) removes one and keeps the others.',
  refs: [docs('gunicorn', 'signals', 'TTIN, TTOU'), docs('unicorn', 'SIGNALS', 'TTIN, TTOU'), docs('puma', 'signals')],
  operations: ['addWorker', 'removeWorker'],
  server: { workers: 2 },
  async run(t) {
    const server = await t.start();
    const n = server.config.workers;
    const [oldest, second] = await settledWorkers(server, n);
    await perform(t, server, 'addWorker');
    const more = await settledWorkers(server, n + 1, 3000);
    check(more.includes(oldest) && more.includes(second), 'adding a worker replaced existing workers instead of adding one');
    await perform(t, server, 'removeWorker');
    const fewer = await settledWorkers(server, n, 3000);
    check(fewer.every((pid) => more.includes(pid)), `removing a worker started another (${fewer} after ${more})`);
    await getJson(server, '/pid');
  },
};
