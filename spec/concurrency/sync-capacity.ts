import { docs } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { capacityCase } from './support.ts';

export const syncCapacity: SpecCase = {
  id: 'concurrency.sync-capacity',
  level: 'MUST',
  requirement: 'A sync server runs exactly `workers` requests at once.',
  refs: [docs('gunicorn', 'design', '"sync workers ... handle a single request at a time"')],
  classes: ['sync'],
  run: (t) => capacityCase(t, { workers: 2 }),
};
