import { check } from '../harness/assert.ts';
import { docs, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { judgedRuns, RECYCLING, recycleRuns } from './support.ts';

export const maxRequests: SpecCase = {
  id: 'lifecycle.max-requests',
  level: 'MUST',
  requirement: (c) =>
    `With max_requests set, workers are recycled: under a steady stream of requests new worker pids appear, and no worker retires before serving max_requests responses (max_requests ${c.maxRequests}).`,
  refs: [docs('gunicorn', 'settings#max-requests'), docs('gunicorn', 'settings#max-requests-jitter'), gunicornCode('workers/base.py')],
  needs: ['max-requests'],
  budgetMs: 40_000,
  server: RECYCLING,
  async run(t) {
    const { runs, config } = await recycleRuns(t);
    const { maxRequests } = config;
    check(runs.length >= 3, `only ${runs.length} worker(s) served the stream with max_requests ${maxRequests}`);
    for (const [pid, count] of judgedRuns(runs)) check(count >= maxRequests, `worker ${pid} retired after ${count} responses, fewer than max_requests ${maxRequests}`);
  },
};
