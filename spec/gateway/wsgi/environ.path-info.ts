import fc from 'fast-check';
import { Violation } from '../../harness/assert.ts';
import { checkProperty } from '../../harness/property.ts';
import { pep3333, gunicornCode } from '../../harness/refs.ts';
import type { SpecCase } from '../../harness/case.ts';
import { echo, wsgiPath, rawPath } from '../support.ts';

export const environPathInfo: SpecCase = {
  id: 'gateway.environ.path-info',
  level: 'MUST',
  requirement: 'PATH_INFO is the request path percent-decoded to bytes and read as latin-1 (%2F becomes "/", "%C3%A9" becomes "Ã©").',
  refs: [pep3333('Unicode Issues'), pep3333('environ Variables'), gunicornCode('util.py', 'unquote_to_wsgi_str()')],
  profile: 'wsgi',
  async run(t) {
    const server = await t.shared();
    await checkProperty(
      t,
      fc.asyncProperty(rawPath, async (raw) => {
        const { environ } = await echo<'wsgi'>(server, { target: `/echo/${raw}` });
        const expected = `/echo/${wsgiPath(raw)}`;
        if (environ.PATH_INFO !== expected) throw new Violation(`/echo/${raw}: PATH_INFO ${JSON.stringify(environ.PATH_INFO)}, expected ${JSON.stringify(expected)}`);
      }),
      { numRuns: 40, timeLimitMs: 20_000 },
    );
  },
};
