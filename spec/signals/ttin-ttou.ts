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
  async run(t) {
    const server = await t.start({ workers: 2 });
    const [oldest, second] = await settledWorkers(server, 2);
    await perform(t, server, 'addWorker');
    const three = await settledWorkers(server, 3, 3000);
    check(three.includes(oldest) && three.includes(second), 'adding a worker replaced existing workers instead of adding one');
    await perform(t, server, 'removeWorker');
    const two = await settledWorkers(server, 2, 3000);
    check(two.every((pid) => three.includes(pid)), `removing a worker started another (${two} after ${three})`);
    await getJson(server, '/pid');
  },
};
