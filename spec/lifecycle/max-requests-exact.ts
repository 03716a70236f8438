import { check, checkBetween } from '../harness/assert.ts';
import { docs } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { judgedRuns, RECYCLING, recycleRuns } from './support.ts';

export const maxRequestsExact: SpecCase = {
  id: 'lifecycle.max-requests-exact',
  level: 'SHOULD',
  requirement: (c) =>
    `Each worker serves between max_requests and max_requests + max_requests_jitter responses, never more (max_requests ${c.maxRequests}, jitter ${c.maxRequestsJitter}: ${c.maxRequests} to ${c.maxRequests + c.maxRequestsJitter}).`,
  refs: [docs('gunicorn', 'settings#max-requests-jitter', 'gthread and gevent in 20.1 overshoot: they notice the limit late')],
  needs: ['max-requests'],
  budgetMs: 40_000,
  server: RECYCLING,
  async run(t) {
    const { runs, config } = await recycleRuns(t);
    const { maxRequests, maxRequestsJitter } = config;
    check(runs.length >= 3, `only ${runs.length} worker(s) served the stream with max_requests ${maxRequests}`);
    for (const [pid, count] of judgedRuns(runs)) checkBetween(count, maxRequests, maxRequests + maxRequestsJitter, `responses served by worker ${pid}`);
  },
};
