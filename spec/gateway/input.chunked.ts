import fc from 'fast-check';
import { Violation } from '../harness/assert.ts';
import { answerOf, request } from '../harness/client.ts';
import { checkProperty } from '../harness/property.ts';
import { sha256 } from './support.ts';
import { rfc, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

export const inputChunked: SpecCase = {
  id: 'gateway.input.chunked',
  level: 'MUST',
  requirement: 'A chunked request body reaches the app de-chunked, byte for byte.',
  refs: [rfc(9112, '7.1'), gunicornCode('http/body.py', 'ChunkedReader')],
  async run(t) {
    const server = await t.shared();
    await checkProperty(
      t,
      fc.asyncProperty(fc.array(fc.uint8Array({ minLength: 1, maxLength: 700 }), { maxLength: 5 }), async (chunks) => {
        const wire = Buffer.concat([...chunks.flatMap((c) => [Buffer.from(`${c.length.toString(16)}\r\n`), Buffer.from(c), Buffer.from('\r\n')]), Buffer.from('0\r\n\r\n')]);
        const body = Buffer.concat(chunks.map((c) => Buffer.from(c)));
        const response = await request(server, { method: 'POST', target: '/echo', headers: [['Transfer-Encoding', 'chunked'], ['Connection', 'close']], body: wire });
        const seen = answerOf('POST /echo (chunked)', '/echo', response).body;
        if (seen.length !== body.length || seen.sha256 !== sha256(body)) throw new Violation(`sent ${body.length} bytes in ${chunks.length} chunk(s), the app read ${seen.length}`);
      }),
      { numRuns: 25, timeLimitMs: 15_000 },
    );
  },
};
