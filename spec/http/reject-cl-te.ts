import { check } from '../harness/assert.ts';
import { connect, hostHeader } from '../harness/client.ts';
import { formatRequest } from '../harness/wire.ts';
import { rfc, advisory } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { probeBodyLength } from './support.ts';

export const rejectClTe: SpecCase = {
  id: 'http.reject-cl-te',
  level: 'MUST',
  requirement:
    'A request with both Content-Length and Transfer-Encoding: chunked is either rejected (4xx/5xx, or closed unanswered) or read by Transfer-Encoding alone; either way the server closes the connection after it, and never reads it by Content-Length.',
  refs: [
    rfc(9112, '6.1', '"MAY reject ... or process such a request in accordance with the Transfer-Encoding alone. Regardless, the server MUST close the connection"'),
    advisory('CVE-2024-1135', 'fixed in gunicorn 22.0 and Debian 20.1.0-6+deb12u1'),
  ],
  async run(t) {
    // keepalive 10 s: a connection the server keeps open is not closed by the idle timeout within the window.
    const server = await t.shared({ keepalive: 10 });
    const body = '5\r\nhello\r\n0\r\n\r\n';
    const connection = await connect(server);
    await connection.write(formatRequest({ method: 'POST', target: '/echo', headers: [['Content-Length', String(body.length)], ['Transfer-Encoding', 'chunked']], body }, hostHeader(server)));
    const response = await connection.readResponse({ timeoutMs: 5000 }).catch(() => undefined);
    const closed = await connection.waitClosed(response && response.status < 400 ? 1500 : 3000);
    connection.destroy();
    t.evidence('answer', { status: response?.status, body: response?.body.toString('latin1').slice(0, 200), closed });
    if (response && response.status < 400) {
      const read = probeBodyLength(response.body);
      check(read === 5, `the request was served reading ${read ?? 'an unknown number of'} body bytes: not by Transfer-Encoding alone (5 bytes)`);
      check(closed !== 'open', 'the request was served by Transfer-Encoding, but the connection stayed open (the server MUST close it)');
    } else {
      check(closed !== 'open', response ? `rejected with ${response.status}, but the connection stayed open` : 'no response and the connection stayed open');
    }
  },
};
