import { docs, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { capacityCase } from './support.ts';

export const asyncCapacity: SpecCase = {
  id: 'concurrency.async-capacity',
  level: 'MUST',
  requirement: 'An async server runs exactly workers x worker_connections requests at once.',
  refs: [docs('gunicorn', 'settings#worker-connections'), gunicornCode('workers/ggevent.py', undefined, 'pool size')],
  classes: ['async'],
  settings: ['connections'],
  run: (t) => capacityCase(t, { workers: 2, connections: 3 }),
};
