import { check, checkEqual } from '../harness/assert.ts';
import { exchange, hostHeader } from '../harness/client.ts';
import { formatRequest, header } from '../harness/wire.ts';
import { rfc, docs } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

export const keepalive: SpecCase = {
  id: 'http.keepalive',
  level: 'MUST',
  requirement: 'gthread and async workers keep an HTTP/1.1 connection open and serve a second request on it.',
  refs: [rfc(9112, '9.3', 'persistence'), docs('gunicorn', 'settings#keepalive')],
  classes: ['gthread', 'async'],
  async run(t) {
    const server = await t.shared();
    const { response, connection } = await exchange(server, { target: '/pid' });
    check(header(response, 'connection')?.toLowerCase() !== 'close', 'the first response said Connection: close');
    await connection.write(formatRequest({ target: '/pid' }, hostHeader(server)));
    const second = await connection.readResponse();
    connection.destroy();
    checkEqual(second.status, 200, 'the status of the second request on the connection');
  },
};
