// The pre-fork model itself: one master binds, forks N workers that accept on the shared socket,
// and stays out of the request path.
import { defineGroup } from '../harness/case.ts';
import { bindBeforeFork } from './bind-before-fork.ts';
import { workerCount } from './worker-count.ts';
import { multiBind } from './multi-bind.ts';
import { masterNotInRequestPath } from './master-not-in-request-path.ts';
import { bootErrorHalts } from './boot-error-halts.ts';

export default defineGroup({
  name: 'prefork',
  summary:
    'The master opens the listening socket before it forks, so the kernel queues connections that ' +
    'arrive while workers boot. Workers are direct children of the master and accept on the ' +
    'inherited socket themselves: the master never touches a request.',
  cases: [
    bindBeforeFork,
    workerCount,
    multiBind,
    masterNotInRequestPath,
    bootErrorHalts,
  ],
});
