import { checkEqual } from '../harness/assert.ts';
import { gunicornIssues } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { measurePeak } from './support.ts';

export const gthreadBalanced: SpecCase = {
  id: 'concurrency.gthread-balanced',
  level: 'SHOULD',
  requirement: 'A gthread server runs workers x threads requests at once when that many arrive together: no worker takes connections it has no thread for while another worker idles.',
  refs: [gunicornIssues([908, 2191, 3433], 'gthread accepts connections beyond its threads')],
  classes: ['gthread'],
  async run(t) {
    const { peak, expected, config } = await measurePeak(t, { workers: 2, threads: 2 });
    const { workers, threads } = config;
    checkEqual(peak, expected, `peak concurrent requests for ${workers} workers x ${threads} threads`);
  },
};
