import fc from 'fast-check';
import { Violation } from '../harness/assert.ts';
import { answerOf, hostHeader, send } from '../harness/client.ts';
import { checkProperty } from '../harness/property.ts';
import { formatRequest } from '../harness/wire.ts';
import { sha256 } from './support.ts';
import { pep3333, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

export const inputContentLength: SpecCase = {
  id: 'gateway.input.content-length',
  level: 'MUST',
  requirement: 'The app\'s input stream (wsgi.input, rack.input, a Request body) yields exactly Content-Length bytes, never what follows on the connection.',
  refs: [pep3333('Input and Error Streams'), gunicornCode('http/body.py', 'LengthReader')],
  async run(t) {
    const server = await t.shared();
    await checkProperty(
      t,
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), async (bytes) => {
        const body = Buffer.from(bytes);
        // The request that follows the body on a kept-alive connection must not be read as
        // body. It is a valid request: bytes a server may refuse (after Connection: close, or
        // garbage a parser answers 400 before the first answer is out) would judge framing,
        // another rule, not the input stream.
        const next = formatRequest({ target: '/pid', headers: [['Connection', 'close']] }, hostHeader(server));
        const connection = await send(server, { method: 'POST', target: '/echo', body }, next);
        const response = await connection.readResponse();
        connection.destroy();
        const seen = answerOf('POST /echo', '/echo', response).body;
        if (seen.length !== body.length || seen.sha256 !== sha256(body)) throw new Violation(`sent ${body.length} bytes, the app read ${seen.length} (digest ${seen.sha256 === sha256(body) ? 'equal' : 'differs'})`);
      }),
      { numRuns: 25, timeLimitMs: 15_000 },
    );
  },
};
