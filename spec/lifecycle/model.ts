import { checkProperty } from '../harness/property.ts';
import { lifecycleCommands, runModel } from './model-commands.ts';
import fc from 'fast-check';
import { docs, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

export const model: SpecCase = {
  id: 'lifecycle.model',
  level: 'MUST',
  requirement:
    'Under generated sequences of requests, worker SIGKILLs, short SIGSTOP stalls (where the target has a heartbeat) and the operations the target has of adding a worker, removing one and reloading, the worker count always converges to the expected N (after a reload the configured one, or the one it had where the target declares that its reload keeps the count) and requests keep being served.',
  refs: [
    docs('gunicorn', 'signals'),
    docs('puma', 'restart', 'a phased restart keeps the running workers\' count'),
    gunicornCode('arbiter.py', 'manage_workers()', 'with murder_workers()'),
  ],
  // A short timeout keeps a stall window (timeout/4) and a heartbeat kill quick.
  server: { workers: 2, timeout: 4 },
  budgetMs: 120_000,
  // Its servers run at a short timeout and its sequences boot workers again and again: another
  // case's load beside it can hold a booting worker past its heartbeat (an eventlet worker, about
  // one run in eight), which ends the start before the model is judged.
  slots: 'all',
  async run(t) {
    await checkProperty(
      t,
      fc.asyncProperty(lifecycleCommands(t.target, t.target.capabilities.includes('heartbeat')), (commands) => runModel(t, commands)),
      { numRuns: 3, timeLimitMs: 60_000, noShrink: true },
    );
  },
};
