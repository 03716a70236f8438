import { check, checkEqual } from '../harness/assert.ts';
import { connect, hostHeader } from '../harness/client.ts';
import { header } from '../harness/wire.ts';
import { rfc, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { rawExchange } from './support.ts';

export const extensionMethod: SpecCase = {
  id: 'http.extension-method',
  level: 'SHOULD',
  requirement:
    'A request whose method is a token the server does not know (`FOO`, `BAN`) reaches the app, or is answered 501 (Not Implemented), on a new connection and on one kept alive after a request; it is not refused as malformed (400).',
  refs: [
    rfc(9112, '3.1', 'method = token'),
    rfc(9110, '9.1', 'methods are extensible; one the origin does not recognise SHOULD get 501'),
    rfc(9110, '16.1', 'the method registry'),
    gunicornCode('http/message.py', 'METH_RE'),
  ],
  async run(t) {
    const server = await t.shared();
    const host = `Host: ${hostHeader(server)}\r\n`;
    const answered = (status: number) => status === 200 || status === 501;
    const refused: string[] = [];
    for (const method of ['FOO', 'BAN']) {
      const { response, failure } = await rawExchange(server, `${method} /pid HTTP/1.1\r\n${host}Connection: close\r\n\r\n`, { waitClose: false });
      if (!response) refused.push(`${method} on a new connection: no response (${failure})`);
      else if (!answered(response.status)) refused.push(`${method} on a new connection: ${response.status} ${response.reason}`);
    }
    // On a kept-alive connection the method starts wherever the previous request ended.
    const connection = await connect(server);
    try {
      await connection.write(`GET /pid HTTP/1.1\r\n${host}\r\n`);
      const first = await connection.readResponse({ timeoutMs: 5000 });
      checkEqual(first.status, 200, 'the status of GET /pid');
      // A server that closes after each response (sync workers) has no kept-alive connection to try.
      if (header(first, 'connection')?.toLowerCase() !== 'close') {
        await connection.write(`FOO /pid HTTP/1.1\r\n${host}Connection: close\r\n\r\n`);
        const second = await connection.readResponse({ timeoutMs: 5000 }).catch(async (error: unknown) => {
          // Closed without a byte of answer: the server did not keep the connection after all
          // (it may close one at any time, RFC 9112 9.6); nothing to judge on it.
          if (connection.pending.length === 0 && (await connection.waitClosed(0)) !== 'open') return undefined;
          throw error;
        });
        if (second && !answered(second.status)) refused.push(`FOO after GET on a kept-alive connection: ${second.status} ${second.reason}`);
      }
    } finally {
      connection.destroy();
    }
    check(refused.length === 0, `expected the app's answer (200) or 501, got ${refused.join('; ')}`);
  },
};
