import { checkEqual } from '../harness/assert.ts';
import { hostHeader } from '../harness/client.ts';
import { rfc, docs, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { rawExchange, checkRejected, requestLine } from './support.ts';

export const limitRequestLine: SpecCase = {
  id: 'http.limit-request-line',
  level: 'MUST',
  requirement:
    'With a request-line limit L (gunicorn: limit_request_line, 4094), a request line of L - 2 bytes is served and one of L + 3 bytes is answered 400 or 414 (the margins: whether the CRLF counts).',
  refs: [
    rfc(9112, '3', 'a server may limit the request line; 414 for a long target, 400 otherwise'),
    docs('gunicorn', 'settings#limit-request-line'),
    gunicornCode('http/message.py'),
  ],
  limits: ['requestLine'],
  async run(t) {
    const server = await t.shared();
    const limit = t.target.limits.requestLine!;
    const ok = await rawExchange(server, `${requestLine(limit - 2)}\r\nHost: ${hostHeader(server)}\r\nConnection: close\r\n\r\n`);
    checkEqual(ok.response?.status, 200, `the status for a ${limit - 2}-byte request line`);
    await checkRejected(server, `${requestLine(limit + 3)}\r\nHost: ${hostHeader(server)}\r\n\r\n`, `a ${limit + 3}-byte request line (limit ${limit})`, [400, 414]);
  },
};
