import { docs, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { capacityCase } from './support.ts';

export const gthreadCapacity: SpecCase = {
  id: 'concurrency.gthread-capacity',
  level: 'MUST',
  requirement: 'Each gthread worker runs exactly `threads` requests at once, and the server never more than workers x threads.',
  refs: [docs('gunicorn', 'settings#threads'), gunicornCode('workers/gthread.py')],
  classes: ['gthread'],
  settings: ['threads'],
  run: (t) => capacityCase(t, { workers: 2, threads: 2 }),
};
