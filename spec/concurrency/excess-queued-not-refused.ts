import { checkEqual } from '../harness/assert.ts';
import { sleepers } from '../harness/client.ts';
import { docs } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { capacity } from './support.ts';

/** How many requests more than the server can run at once are sent together. */
const EXCESS = 4;

export const excessQueuedNotRefused: SpecCase = {
  id: 'concurrency.excess-queued-not-refused',
  level: 'MUST',
  requirement: (c) => `Requests beyond capacity (capacity + ${EXCESS} at once: ${capacity(c.specClass, c) + EXCESS} at capacity ${capacity(c.specClass, c)}) all succeed: they wait, they are not refused or reset.`,
  refs: [docs('gunicorn', 'settings#backlog'), docs('gunicorn', 'design', 'the kernel queues what workers have not accepted')],
  // A gthread worker's default two threads: capacity 2, as worker_connections allows.
  server: { workers: 1, connections: 2 },
  async run(t) {
    const server = await t.start();
    const expected = capacity(t.specClass, server.config);
    const intervals = await sleepers(server, expected + EXCESS, 300);
    checkEqual(intervals.length, expected + EXCESS, 'requests answered 200');
  },
};
