import { checkEqual } from '../harness/assert.ts';
import { hostHeader } from '../harness/client.ts';
import { formatRequest } from '../harness/wire.ts';
import { rfc, docs } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { rawExchange, checkRejected } from './support.ts';

export const limitHeaderCount: SpecCase = {
  id: 'http.limit-header-count',
  level: 'MUST',
  requirement:
    'With a header-count limit N (gunicorn: limit_request_fields, 100), a request with N header fields (Host included) is served and one with N + 1 is answered 400 or 431.',
  refs: [rfc(9110, '5.4'), docs('gunicorn', 'settings#limit-request-fields')],
  limits: ['headerFields'],
  async run(t) {
    const server = await t.shared();
    const limit = t.target.limits.headerFields!;
    const fields = (n: number) => Array.from({ length: n }, (_, i): [string, string] => [`X-F${i}`, 'v']);
    // formatRequest adds Host; the served request also carries Connection: close.
    const ok = await rawExchange(server, formatRequest({ target: '/pid', headers: [...fields(limit - 2), ['Connection', 'close']] }, hostHeader(server)));
    checkEqual(ok.response?.status, 200, `the status with ${limit} header fields`);
    await checkRejected(server, formatRequest({ target: '/pid', headers: fields(limit) }, hostHeader(server)), `${limit + 1} header fields (limit ${limit})`, [400, 431]);
  },
};
