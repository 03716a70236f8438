import { check } from '../harness/assert.ts';
import { UnmetPremise } from '../harness/fault.ts';
import { docs, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { RECYCLING, recycleRuns } from './support.ts';

export const maxRequestsNoLost: SpecCase = {
  id: 'lifecycle.max-requests-no-lost',
  level: 'SHOULD',
  requirement: 'A worker that retires at max_requests loses no request: every request of a stream sent one after another while workers recycle is answered.',
  refs: [
    docs('gunicorn', 'settings#max-requests', 'a simple method to help limit the damage of memory leaks: the restart must not cost requests'),
    gunicornCode('workers/base.py', undefined, 'the worker stops accepting, then finishes what it has'),
  ],
  needs: ['max-requests'],
  budgetMs: 40_000,
  server: RECYCLING,
  async run(t) {
    const { runs, lost, config } = await recycleRuns(t);
    // Judged where workers did retire; how many and when is lifecycle.max-requests' rule.
    if (runs.length < 2) throw new UnmetPremise(`no worker retired during the stream (max_requests ${config.maxRequests}): nothing to judge`);
    check(lost.length === 0, `${lost.length} request(s) of the stream were not answered as workers recycled: ${lost.slice(0, 3).join('; ')}`);
  },
};
