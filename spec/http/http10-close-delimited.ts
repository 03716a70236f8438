import { check, checkEqual } from '../harness/assert.ts';
import { exchange } from '../harness/client.ts';
import { header, headerValues } from '../harness/wire.ts';
import { rfc } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

export const http10CloseDelimited: SpecCase = {
  id: 'http.http10-close-delimited',
  level: 'MUST',
  requirement: 'An HTTP/1.0 response with no Content-Length is not chunked: the body ends when the server closes the connection.',
  refs: [rfc(9112, '6.3', 'item 8'), rfc(9112, '7', 'chunked is HTTP/1.1 only')],
  async run(t) {
    const server = await t.shared();
    const { response, connection } = await exchange(server, { version: 'HTTP/1.0', target: '/stream?chunks=3&bytes=4' });
    connection.destroy();
    check(headerValues(response, 'transfer-encoding').length === 0, `an HTTP/1.0 response carried Transfer-Encoding: ${header(response, 'transfer-encoding')}`);
    checkEqual(response.body.toString(), '000011112222', 'the body');
  },
};
