import { check, checkBetween } from '../harness/assert.ts';
import { docs } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { judgedRuns, recycleRuns } from './support.ts';

export const maxRequestsExact: SpecCase = {
  id: 'lifecycle.max-requests-exact',
  level: 'SHOULD',
  requirement: 'Each worker serves between max_requests and max_requests + max_requests_jitter responses, never more.',
  refs: [docs('gunicorn', 'settings#max-requests-jitter', 'gthread and gevent in 20.1 overshoot: they notice the limit late')],
  needs: ['max-requests'],
  budgetMs: 40_000,
  async run(t) {
    const { runs } = await recycleRuns(t, 4, 2);
    check(runs.length >= 3, `only ${runs.length} worker(s) served the stream with max_requests 4`);
    for (const [pid, count] of judgedRuns(runs)) checkBetween(count, 4, 6, `responses served by worker ${pid}`);
  },
};
