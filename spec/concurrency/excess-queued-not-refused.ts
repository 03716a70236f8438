import { checkEqual } from '../harness/assert.ts';
import { sleepers } from '../harness/client.ts';
import { docs } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { capacity } from './support.ts';

export const excessQueuedNotRefused: SpecCase = {
  id: 'concurrency.excess-queued-not-refused',
  level: 'MUST',
  requirement: 'Requests beyond capacity (capacity + 4 at once) all succeed: they wait, they are not refused or reset.',
  refs: [docs('gunicorn', 'settings#backlog'), docs('gunicorn', 'design', 'the kernel queues what workers have not accepted')],
  async run(t) {
    const server = await t.start({ workers: 1, threads: t.specClass === 'gthread' ? 2 : 1, connections: 2 });
    const expected = capacity(t.specClass, server.config);
    const intervals = await sleepers(server, expected + 4, 300);
    checkEqual(intervals.length, expected + 4, 'requests answered 200');
  },
};
