import { checkEqual } from '../harness/assert.ts';
import { hostHeader } from '../harness/client.ts';
import { formatRequest } from '../harness/wire.ts';
import { rfc, docs } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { rawExchange, checkRejected, headerLine } from './support.ts';

export const limitHeaderFieldSize: SpecCase = {
  id: 'http.limit-header-field-size',
  level: 'MUST',
  requirement:
    'With a header-line limit L (gunicorn: limit_request_field_size, 8190), a header line of L - 2 bytes is served and one of L + 3 bytes is answered 400 or 431.',
  refs: [
    rfc(9110, '5.4', 'a server that receives a larger field than it wishes to process responds 4xx'),
    docs('gunicorn', 'settings#limit-request-field-size'),
  ],
  limits: ['headerFieldSize'],
  async run(t) {
    const server = await t.shared();
    const limit = t.target.limits.headerFieldSize!;
    const ok = await rawExchange(server, formatRequest({ target: '/pid', headers: [headerLine(limit - 2), ['Connection', 'close']] }, hostHeader(server)));
    checkEqual(ok.response?.status, 200, `the status for a ${limit - 2}-byte header line`);
    await checkRejected(server, formatRequest({ target: '/pid', headers: [headerLine(limit + 3)] }, hostHeader(server)), `a ${limit + 3}-byte header line (limit ${limit})`, [400, 431]);
  },
};
