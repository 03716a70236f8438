// Worker lifecycle: respawn, the heartbeat that catches stuck workers, per-class timeout
// semantics, parent-death detection and max_requests recycling.
import { defineGroup } from '../harness/case.ts';
import { respawn } from './respawn.ts';
import { respawnKeepsServing } from './respawn-keeps-serving.ts';
import { heartbeatTimeout } from './heartbeat-timeout.ts';
import { heartbeatBeforeFirst } from './heartbeat-before-first.ts';
import { heartbeatToleratesShortStall } from './heartbeat-tolerates-short-stall.ts';
import { heartbeatWhileBusy } from './heartbeat-while-busy.ts';
import { timeoutZeroDisables } from './gunicorn/timeout-zero-disables.ts';
import { syncRequestTimeout } from './sync-request-timeout.ts';
import { gthreadLongRequest } from './gunicorn/gthread-long-request.ts';
import { asyncLongWait } from './gunicorn/async-long-wait.ts';
import { asyncBlockedLoopKilled } from './async-blocked-loop-killed.ts';
import { parentDeath } from './parent-death.ts';
import { parentDeathPrompt } from './parent-death-prompt.ts';
import { model } from './model.ts';
import { maxRequests } from './max-requests.ts';
import { maxRequestsNoLost } from './max-requests-no-lost.ts';
import { maxRequestsExact } from './max-requests-exact.ts';

export default defineGroup({
  name: 'lifecycle',
  summary:
    'The master keeps N workers alive: a dead worker is replaced at once, a worker whose heartbeat ' +
    'is older than `timeout` is killed (SIGABRT, then SIGKILL) and replaced, workers leave when ' +
    'their master dies, and a worker retires after max_requests (+ jitter) responses. What the ' +
    'timeout means differs by class: for sync it bounds each request, for gthread and async it ' +
    'bounds only how long the worker itself may be unresponsive.',
  cases: [
    respawn,
    respawnKeepsServing,
    heartbeatTimeout,
    heartbeatBeforeFirst,
    heartbeatToleratesShortStall,
    heartbeatWhileBusy,
    timeoutZeroDisables,
    syncRequestTimeout,
    gthreadLongRequest,
    asyncLongWait,
    asyncBlockedLoopKilled,
    parentDeath,
    parentDeathPrompt,
    model,
    maxRequests,
    maxRequestsNoLost,
    maxRequestsExact,
  ],
});
