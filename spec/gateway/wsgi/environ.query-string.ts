import fc from 'fast-check';
import { checkEqual, Violation } from '../../harness/assert.ts';
import { checkProperty } from '../../harness/property.ts';
import { rfc, pep3333 } from '../../harness/refs.ts';
import type { SpecCase } from '../../harness/case.ts';
import { echo, rawQuery } from '../support.ts';

export const environQueryString: SpecCase = {
  id: 'gateway.environ.query-string',
  level: 'MUST',
  requirement: 'QUERY_STRING is the raw query, not decoded, and "" when the target has none.',
  refs: [pep3333('environ Variables'), rfc(3875, '4.1.7', 'CGI')],
  profile: 'wsgi',
  async run(t) {
    const server = await t.shared();
    checkEqual((await echo<'wsgi'>(server, { target: '/echo/none' })).environ.QUERY_STRING, '', 'QUERY_STRING without a query');
    await checkProperty(
      t,
      fc.asyncProperty(rawQuery, async (query) => {
        const { environ } = await echo<'wsgi'>(server, { target: `/echo?${query}` });
        if (environ.QUERY_STRING !== query) throw new Violation(`?${query}: QUERY_STRING ${JSON.stringify(environ.QUERY_STRING)}`);
      }),
      { numRuns: 30, timeLimitMs: 15_000 },
    );
  },
};
