// Operations on the master, by the target's signals (gunicorn's: TERM graceful, INT/QUIT quick,
// HUP reload, TTIN/TTOU resize): what each does is the model; which signal does it is the target's.
import { defineGroup } from '../harness/case.ts';
import { termGraceful } from './term-graceful.ts';
import { termGracefulTimeout } from './term-graceful-timeout.ts';
import { quitFast } from './quit-fast.ts';
import { ttinTtou } from './ttin-ttou.ts';
import { ttouOldestFirst } from './gunicorn/ttou-oldest-first.ts';
import { ttouNeverBelowOne } from './gunicorn/ttou-never-below-one.ts';
import { hupReload } from './hup-reload.ts';
import { hupNoLostRequests } from './hup-no-lost-requests.ts';
import { hupKeepsCapacity } from './hup-keeps-capacity.ts';
import { termBacklogServed } from './term-backlog-served.ts';

export default defineGroup({
  name: 'signals',
  summary:
    'The master is driven by signals; each target says which signal does what (gunicorn: TERM, ' +
    'QUIT/INT, HUP, TTIN, TTOU). A graceful stop closes the listeners, lets workers finish what ' +
    'they have within graceful_timeout, and exits as the target declares (gunicorn: 0). A quick ' +
    'stop ends everything at once. A reload replaces every worker (new ones first) keeping the ' +
    'master. Adding and removing a worker change the count by one; gunicorn removes the oldest ' +
    'and never goes below one.',
  cases: [
    termGraceful,
    termGracefulTimeout,
    quitFast,
    ttinTtou,
    ttouOldestFirst,
    ttouNeverBelowOne,
    hupReload,
    hupNoLostRequests,
    hupKeepsCapacity,
    termBacklogServed,
  ],
});
