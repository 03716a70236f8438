import { checkEqual } from '../../harness/assert.ts';
import { rackSpec } from '../../harness/refs.ts';
import type { SpecCase } from '../../harness/case.ts';
import { echo } from '../support.ts';

export const rackMultiprocessMultithread: SpecCase = {
  id: 'gateway.rack.multiprocess-multithread',
  level: 'MUST',
  requirement: 'rack.multiprocess is true with 2 workers (another process may run the app at the same time); rack.multithread is true when a worker runs 2 threads and false in a one-request-at-a-time (sync) worker.',
  refs: [
    rackSpec('The Environment', 'rack.multithread, rack.multiprocess: "true if an equivalent application object may be simultaneously invoked by another thread/process"'),
  ],
  profile: 'rack',
  async run(t) {
    const { flags } = await echo<'rack'>(await t.shared({ workers: 2 }));
    checkEqual(flags.multiprocess, true, 'rack.multiprocess with 2 workers');
    if (t.specClass === 'sync') checkEqual(flags.multithread, false, 'rack.multithread in a sync worker');
    if (t.specClass === 'gthread') checkEqual(flags.multithread, true, 'rack.multithread in a worker of 2 threads');
  },
};
