// How many requests run at once: measured on the server side from the probe's own start/end
// timestamps (a TCP connect succeeds from the backlog before any worker accepts, so client-side
// timing cannot tell).
import { defineGroup } from '../harness/case.ts';
import { syncCapacity } from './sync-capacity.ts';
import { gthreadCapacity } from './gthread-capacity.ts';
import { gthreadBalanced } from './gthread-balanced.ts';
import { gthreadBalancedKeepalive } from './gthread-balanced-keepalive.ts';
import { endedConnectionFreesCapacity } from './ended-connection-frees-capacity.ts';
import { stalledBodyFreesCapacity } from './stalled-body-frees-capacity.ts';
import { asyncCapacity } from './async-capacity.ts';
import { capacityFormula } from './gunicorn/capacity-formula.ts';
import { excessQueuedNotRefused } from './excess-queued-not-refused.ts';
import { threadsIgnoredByAsync } from './gunicorn/threads-ignored-by-async.ts';
import { syncThreadsPromoteGthread } from './gunicorn/sync-threads-promote-gthread.ts';
import { syncWorkConserving } from './sync-work-conserving.ts';

export default defineGroup({
  name: 'concurrency',
  summary:
    'Capacity is workers for sync, workers x threads for gthread (bounded by worker_connections), ' +
    'and workers x worker_connections for async. Requests beyond capacity wait (in the kernel ' +
    'backlog or the worker\'s queue) and are served later, never refused.',
  cases: [
    syncCapacity,
    gthreadCapacity,
    gthreadBalanced,
    gthreadBalancedKeepalive,
    endedConnectionFreesCapacity,
    stalledBodyFreesCapacity,
    asyncCapacity,
    capacityFormula,
    excessQueuedNotRefused,
    threadsIgnoredByAsync,
    syncThreadsPromoteGthread,
    syncWorkConserving,
  ],
});
