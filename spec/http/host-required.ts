import { check, checkEqual } from '../harness/assert.ts';
import { hostHeader } from '../harness/client.ts';
import { rfc } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { rawExchange } from './support.ts';

export const hostRequired: SpecCase = {
  id: 'http.host-required',
  level: 'MUST',
  requirement:
    'An HTTP/1.1 request with no Host, with two Host field lines, or with a Host that is not a uri-host[:port] (`a b`, `a/b`) is answered 400 (Bad Request); the same request with one valid Host is served.',
  refs: [
    rfc(9112, '3.2', '"A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1 request message that lacks a Host header field and to any request message that contains more than one Host header field line or a Host header field with an invalid field value"'),
    rfc(9110, '7.2'),
    rfc(3986, '3.2.2'),
  ],
  async run(t) {
    const server = await t.shared();
    const head = (hostLines: string) => `GET /pid HTTP/1.1\r\n${hostLines}Connection: close\r\n\r\n`;
    // Only the status matters: no wait for the close.
    const answerTo = async (bytes: string) => {
      const { response, failure } = await rawExchange(server, bytes, { waitClose: false });
      return response ?? `no response (${failure})`;
    };
    // The control: a 400 below must be for the Host, not for anything else in the request.
    const control = await answerTo(head(`Host: ${hostHeader(server)}\r\n`));
    checkEqual(typeof control === 'string' ? control : control.status, 200, 'the status with one valid Host');
    const bad: Array<[string, string]> = [
      ['no Host', ''],
      ['two Host field lines', `Host: ${hostHeader(server)}\r\nHost: other.example\r\n`],
      ['Host "a b"', 'Host: a b\r\n'],
      ['Host "a/b"', 'Host: a/b\r\n'],
    ];
    // Every variant is tried, so the verdict names all that were let through, not the first.
    const answers: string[] = [];
    for (const [what, lines] of bad) {
      const response = await answerTo(head(lines));
      if (typeof response === 'string') answers.push(`${what}: ${response}`);
      else if (response.status !== 400) answers.push(`${what}: ${response.status} ${response.reason}`);
    }
    check(answers.length === 0, `expected 400 for each, got ${answers.join('; ')}`);
  },
};
