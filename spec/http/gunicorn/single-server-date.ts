import { check, checkEqual } from '../../harness/assert.ts';
import { request } from '../../harness/client.ts';
import { headerValues } from '../../harness/wire.ts';
import { rfc, gunicornCode } from '../../harness/refs.ts';
import type { SpecCase } from '../../harness/case.ts';
import { respondTarget } from '../support.ts';

export const singleServerDate: SpecCase = {
  id: 'http.single-server-date',
  level: 'MUST',
  requirement: 'A normal response carries exactly one Date and at most one Server header, the server\'s own: app-supplied Date and Server are replaced.',
  refs: [gunicornCode('util.py', 'hop_headers', 'includes server and date'), rfc(9110, '6.6.1', 'an origin server may send its own'), rfc(9110, '10.2.4')],
  profile: 'gunicorn',
  async run(t) {
    const server = await t.shared();
    const appDate = 'Sat, 01 Jan 2000 00:00:00 GMT';
    const response = await request(server, { target: respondTarget(200, [['Date', appDate], ['Server', 'probe-app']], 'ok') });
    const dates = headerValues(response, 'date');
    const servers = headerValues(response, 'server');
    checkEqual(dates.length, 1, 'the number of Date headers');
    check(dates[0] !== appDate, 'the app\'s Date was sent instead of the server\'s');
    check(!Number.isNaN(Date.parse(dates[0])), `Date is not an HTTP date: ${dates[0]}`);
    check(servers.length <= 1, `${servers.length} Server headers were sent`);
    check(!servers.includes('probe-app'), 'the app\'s Server header was sent');
  },
};
