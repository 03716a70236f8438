import { check, checkEqual } from '../harness/assert.ts';
import { send } from '../harness/client.ts';
import { scaled } from '../harness/eventually.ts';
import { rfc, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { CLOSE_ENDS_BODY_MS } from './support.ts';

export const chunkedResponse: SpecCase = {
  id: 'http.chunked-response',
  level: 'MUST',
  requirement:
    `An HTTP/1.1 response with no Content-Length from the app arrives whole and ends: chunked, delimited by the server closing the connection as the body ends (within ${CLOSE_ENDS_BODY_MS} ms of its last byte), or with a Content-Length of the server's own (a server that buffered the whole body); never left open without an end.`,
  refs: [
    rfc(9112, '6.3', 'items 7 and 8: chunked, or read until the connection closes'),
    rfc(9112, '7.1'),
    gunicornCode('http/wsgi.py', 'Response.is_chunked()'),
  ],
  async run(t) {
    // keepalive 10 s: a server that leaves the body open is not rescued by its idle timeout.
    const server = await t.shared({ keepalive: 10 });
    // A persistent request: a close-delimited answer is legal only if the server then closes.
    const connection = await send(server, { target: '/stream?chunks=3&bytes=4' });
    const response = await connection.readResponse({ timeoutMs: 5000 }).finally(() => connection.destroy());
    // Whether the body streamed is gateway.response.streaming's rule: a length is an end too.
    checkEqual(response.body.toString(), '000011112222', 'the body');
    if (response.framing === 'close') {
      // An idle timer shorter than the read window would otherwise pass for the body's end.
      const gap = connection.closedAfterLastByteMs ?? 0;
      t.evidence('closedAfterLastByteMs', gap);
      check(gap <= scaled(CLOSE_ENDS_BODY_MS), `the connection closed ${gap} ms after the body's last byte: a close by an idle timer, not the end of the body`);
    }
  },
};
