import { check, checkEqual } from '../harness/assert.ts';
import { request } from '../harness/client.ts';
import { headerValues } from '../harness/wire.ts';
import { rfc } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { respondTarget } from './support.ts';

export const dateHeader: SpecCase = {
  id: 'http.date-header',
  level: 'MUST',
  requirement: 'Every response carries exactly one Date header, an HTTP date: the server adds one when the app sets none, and never sends two.',
  refs: [rfc(9110, '6.6.1', '"An origin server with a clock MUST generate a Date header field in all 2xx, 3xx and 4xx responses"')],
  async run(t) {
    const server = await t.shared();
    for (const [what, headers] of [
      ['no Date from the app', []],
      ['a Date from the app', [['Date', 'Sat, 01 Jan 2000 00:00:00 GMT']]],
    ] as Array<[string, Array<[string, string]>]>) {
      const response = await request(server, { target: respondTarget(200, headers, 'ok') });
      const dates = headerValues(response, 'date');
      checkEqual(dates.length, 1, `the number of Date headers with ${what}`);
      check(!Number.isNaN(Date.parse(dates[0])), `Date is not an HTTP date with ${what}: ${dates[0]}`);
    }
  },
};
