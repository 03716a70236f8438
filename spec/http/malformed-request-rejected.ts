import fc from 'fast-check';
import { Violation } from '../harness/assert.ts';
import { hostHeader } from '../harness/client.ts';
import { checkProperty } from '../harness/property.ts';
import { rfc, note } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { rawExchange } from './support.ts';

export const malformedRequestRejected: SpecCase = {
  id: 'http.malformed-request-rejected',
  level: 'MUST',
  requirement: 'Malformed requests (bad request line, bad header syntax, bad framing values) are answered 4xx/5xx or closed, never served 2xx.',
  refs: [rfc(9112, '3'), rfc(9112, '5'), rfc(9112, '6'), note('HTTP Garden findings on gunicorn')],
  async run(t) {
    const server = await t.shared();
    const host = `Host: ${hostHeader(server)}\r\n`;
    const malformations: Array<(path: string) => string> = [
      (p) => `GET ${p}\r\n${host}\r\n`, // no version
      (p) => `G(T ${p} HTTP/1.1\r\n${host}\r\n`, // method is not a token
      (p) => `GET ${p} HTTP/1.1 extra\r\n${host}\r\n`, // four parts
      (p) => `GET ${p} XTTP/1.1\r\n${host}\r\n`, // not HTTP
      (p) => `GET ${p} HTTP/1.1\r\n${host}Bad Header: x\r\n\r\n`, // space in field name
      (p) => `GET ${p} HTTP/1.1\r\n${host}NoColon\r\n\r\n`, // no colon
      (p) => `POST ${p} HTTP/1.1\r\n${host}Content-Length: -1\r\n\r\n`, // negative length
      (p) => `POST ${p} HTTP/1.1\r\n${host}Content-Length: 1x\r\n\r\nab`, // non-numeric length
      (p) => `POST ${p} HTTP/1.1\r\n${host}Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n`, // bad chunk size
    ];
    const path = fc.stringMatching(/^\/echo\/[a-z0-9]{0,12}$/);
    await checkProperty(
      t,
      fc.asyncProperty(fc.nat({ max: malformations.length - 1 }), path, async (which, p) => {
        const bytes = malformations[which](p);
        const { response, closed } = await rawExchange(server, bytes);
        if (response && response.status < 400) throw new Violation(`served ${response.status} to ${JSON.stringify(bytes)}`);
        if (!response && closed === 'open') throw new Violation(`no answer and no close for ${JSON.stringify(bytes)}`);
      }),
      { numRuns: 30, timeLimitMs: 20_000 },
    );
  },
};
