import { checkEqual } from '../../harness/assert.ts';
import { docs } from '../../harness/refs.ts';
import type { SpecCase } from '../../harness/case.ts';
import { measurePeak } from '../support.ts';

export const syncThreadsPromoteGthread: SpecCase = {
  id: 'concurrency.sync-threads-promote-gthread',
  level: 'MUST',
  requirement: 'A sync server started with threads > 1 behaves as gthread: workers x threads requests at once.',
  refs: [
    docs('gunicorn', 'settings#threads', '"If you try to use the sync worker type and set the threads setting to more than 1, the gthread worker type will be used instead"'),
  ],
  profile: 'gunicorn',
  classes: ['sync'],
  async run(t) {
    const { peak } = await measurePeak(t, { workers: 1, threads: 3 });
    checkEqual(peak, 3, 'peak concurrent requests of one sync worker with threads 3');
  },
};
