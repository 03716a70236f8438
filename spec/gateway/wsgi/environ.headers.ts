import fc from 'fast-check';
import { Violation } from '../../harness/assert.ts';
import { hostHeader } from '../../harness/client.ts';
import { checkProperty } from '../../harness/property.ts';
import { rfc, pep3333, gunicornCode } from '../../harness/refs.ts';
import type { SpecCase } from '../../harness/case.ts';
import { echo, headerName, headerValue } from '../support.ts';

export const environHeaders: SpecCase = {
  id: 'gateway.environ.headers',
  level: 'MUST',
  requirement: 'Each request header appears as HTTP_<NAME> (upper case, "-" as "_"); repeated headers are joined with "," or ", " in order.',
  refs: [pep3333('environ Variables'), rfc(3875, '4.1.18', 'CGI'), gunicornCode('http/wsgi.py')],
  profile: 'wsgi',
  async run(t) {
    const server = await t.shared();
    const headerSet = fc.array(fc.tuple(headerName, headerValue), { minLength: 1, maxLength: 6 }).chain((hs) =>
      // Repeat some of them (duplicates), possibly in another case.
      fc.subarray(hs).map((dups) => [...hs, ...dups.map(([n, v]): [string, string] => [n.toLowerCase(), `${v}2`])]),
    );
    await checkProperty(
      t,
      fc.asyncProperty(headerSet, async (headers) => {
        const { environ } = await echo<'wsgi'>(server, { headers: [...headers, ['Connection', 'close']] });
        const expected = new Map<string, string[]>();
        for (const [n, v] of headers) {
          const key = `HTTP_${n.toUpperCase().replaceAll('-', '_')}`;
          expected.set(key, [...(expected.get(key) ?? []), v]);
        }
        for (const [key, values] of expected) {
          // RFC 9110 5.3: "a,b" and "a, b" are the same field value.
          if (environ[key] !== values.join(',') && environ[key] !== values.join(', ')) throw new Violation(`${key}: ${JSON.stringify(environ[key])}, expected ${JSON.stringify(values.join(','))} (or with ", ")`);
        }
        if (environ.HTTP_HOST !== hostHeader(server)) throw new Violation(`HTTP_HOST: ${environ.HTTP_HOST}`);
      }),
      { numRuns: 30, timeLimitMs: 15_000 },
    );
  },
};
