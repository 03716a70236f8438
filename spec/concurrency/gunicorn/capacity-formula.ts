import fc from 'fast-check';
import { Violation } from '../../harness/assert.ts';
import { checkProperty } from '../../harness/property.ts';
import { docs } from '../../harness/refs.ts';
import type { SpecCase } from '../../harness/case.ts';
import { measurePeak, capacityViolation } from '../support.ts';

export const capacityFormula: SpecCase = {
  id: 'concurrency.capacity-formula',
  level: 'MUST',
  requirement: 'Over generated configurations (workers 1-3, threads 1-4, worker_connections 1-4) the measured peak equals the capacity formula of the class.',
  refs: [docs('gunicorn', 'settings#workers'), docs('gunicorn', 'settings#threads'), docs('gunicorn', 'settings#worker-connections')],
  profile: 'gunicorn',
  budgetMs: 90_000,
  settings: ['threads', 'connections'],
  async run(t) {
    const config = fc.record({
      workers: fc.integer({ min: 1, max: 3 }),
      threads: fc.integer({ min: 1, max: 4 }),
      connections: fc.integer({ min: 1, max: 4 }),
    });
    await checkProperty(
      t,
      fc.asyncProperty(config, async (c) => {
        const violation = capacityViolation(await measurePeak(t, c));
        if (violation) throw new Violation(violation);
      }),
      { numRuns: 4, timeLimitMs: 40_000, noShrink: true },
    );
  },
};
