import { check, checkEqual } from '../harness/assert.ts';
import { exchange } from '../harness/client.ts';
import { header } from '../harness/wire.ts';
import { rfc, docs, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

export const syncConnectionClose: SpecCase = {
  id: 'http.sync-connection-close',
  level: 'MUST',
  requirement: 'A sync worker answers an HTTP/1.1 request with `Connection: close` and closes the connection.',
  refs: [
    rfc(9112, '9.6', 'a server that closes after the response sends the "close" option'),
    docs('unicorn', 'DESIGN', 'neither keepalive nor pipelining are supported'),
    gunicornCode('workers/sync.py', undefined, 'one request per connection; http/wsgi.py Response.should_close()'),
  ],
  classes: ['sync'],
  async run(t) {
    const server = await t.shared();
    const { response, connection } = await exchange(server, { target: '/pid' });
    checkEqual(header(response, 'connection')?.toLowerCase(), 'close', 'the Connection header');
    check((await connection.waitClosed(3000)) !== 'open', 'the connection stayed open after the response');
  },
};
