import { checkEqual } from '../../harness/assert.ts';
import { requireGiven } from '../../harness/case.ts';
import { pep3333, gunicornCode } from '../../harness/refs.ts';
import type { SpecCase } from '../../harness/case.ts';
import { echo } from '../support.ts';

export const environMultiprocessMultithread: SpecCase = {
  id: 'gateway.environ.multiprocess-multithread',
  level: 'MUST',
  requirement: 'wsgi.multiprocess is true exactly when workers > 1; wsgi.multithread is false for sync and true for gthread and async.',
  refs: [pep3333('environ Variables'), gunicornCode('http/wsgi.py', undefined, 'and workers/')],
  profile: 'wsgi',
  async run(t) {
    const many = (await echo<'wsgi'>(await t.shared({ workers: 2 }))).flags;
    checkEqual(many.multiprocess, true, 'wsgi.multiprocess with 2 workers');
    checkEqual(many.multithread, t.specClass !== 'sync', `wsgi.multithread for ${t.specClass}`);
    const single = await t.shared({ workers: 1 });
    requireGiven(single, { workers: 1 }); // the half of the rule a server of two or more cannot show
    checkEqual((await echo<'wsgi'>(single)).flags.multiprocess, false, 'wsgi.multiprocess with 1 worker');
  },
};
