import { check } from '../harness/assert.ts';
import { send } from '../harness/client.ts';
import { rfc, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { respondTarget } from './support.ts';

export const contentLengthEnforced: SpecCase = {
  id: 'http.content-length-enforced',
  level: 'SHOULD',
  requirement: 'Bytes the app writes beyond its declared Content-Length are never sent.',
  refs: [rfc(9112, '6.3'), gunicornCode('http/wsgi.py', 'Response.write()', 'truncates')],
  async run(t) {
    // Judged on the raw bytes: a server that refuses the over-long write and closes the
    // connection short of the 3 bytes (h11) sends nothing beyond the length either; an
    // incomplete body is the rule of gateway.response.error-after-headers-closes, not this one.
    const server = await t.shared();
    const connection = await send(server, { target: respondTarget(200, [['Content-Length', '3']], 'abcdef'), headers: [['Connection', 'close']] });
    await connection.waitClosed(3000);
    const received = connection.pending.toString('latin1');
    connection.destroy();
    const headEnd = received.indexOf('\r\n\r\n');
    check(headEnd >= 0, `no response head arrived: ${JSON.stringify(received.slice(0, 200))}`);
    const body = received.slice(headEnd + 4);
    t.evidence('received', received.slice(0, 600));
    // The length the response declares: the app's 3, or the server's own when it replaced
    // the app's answer (Passenger: a 502 page of its own). Without one, the app's bytes past
    // its third ("def") must not appear, whatever the framing.
    const declared = /\r\ncontent-length: *(\d+)\r\n/i.exec(received.slice(0, headEnd + 2))?.[1];
    if (declared !== undefined) check(body.length <= Number(declared), `bytes beyond Content-Length: ${declared} were sent: ${JSON.stringify(body.slice(Number(declared)))}`);
    else check(!body.includes('def'), `the app's bytes beyond its Content-Length: 3 were sent, in a response without one: ${JSON.stringify(body.slice(0, 200))}`);
  },
};
