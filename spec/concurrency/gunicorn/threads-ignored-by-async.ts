import { docs } from '../../harness/refs.ts';
import type { SpecCase } from '../../harness/case.ts';
import { capacityCase } from '../support.ts';

export const threadsIgnoredByAsync: SpecCase = {
  id: 'concurrency.threads-ignored-by-async',
  level: 'MUST',
  requirement: 'An async worker ignores `threads`: with threads 4 and worker_connections 1 it runs one request at a time.',
  refs: [docs('gunicorn', 'settings#threads', '"only affects the Gthread worker type"')],
  profile: 'gunicorn',
  classes: ['async'],
  run: (t) => capacityCase(t, { workers: 1, threads: 4, connections: 1 }),
};
