import { check, checkEqual } from '../harness/assert.ts';
import { header } from '../harness/wire.ts';
import { rfc, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { rawExchange } from './support.ts';

export const errorResponseShape: SpecCase = {
  id: 'http.error-response-shape',
  level: 'MUST',
  requirement:
    'An error response to a bad request (a header line without a colon) has a valid status line, `Connection: close`, a body framed by a matching Content-Length or by the close, and the connection is then closed.',
  refs: [
    rfc(9112, '5', 'field-line = field-name ":" ...'),
    rfc(9112, '6.3'),
    rfc(9112, '9.6', 'a server that closes sends the "close" option'),
    gunicornCode('workers/base.py', 'handle_error()'),
  ],
  async run(t) {
    const server = await t.shared();
    // Bad by the grammar, whatever the server's limits: no colon in a field line.
    const { response, closed } = await rawExchange(server, `GET /pid HTTP/1.1\r\nHost: x\r\nThis-Line-Has-No-Colon\r\n\r\n`);
    check(response, 'no response to a bad request');
    check(response.status >= 400 && response.status < 500, `status ${response.status} for a bad request`);
    check(/^HTTP\/1\.[01]$/.test(response.version), `status line version ${response.version}`);
    checkEqual(header(response, 'connection')?.toLowerCase(), 'close', 'the Connection header');
    const length = header(response, 'content-length');
    if (length !== undefined) checkEqual(Number(length), response.body.length, 'Content-Length against the body');
    check(closed !== 'open', 'the connection stayed open after the error response');
  },
};
