import { checkEqual } from '../harness/assert.ts';
import { answerOf, send } from '../harness/client.ts';
import { eventually } from '../harness/eventually.ts';
import { bytesWords } from '../harness/observe.ts';
import { rfc, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

export const expectContinue: SpecCase = {
  id: 'http.expect-continue',
  level: 'MUST',
  requirement: 'A request with `Expect: 100-continue` gets an interim `100 Continue` before it sends its body, then the final response.',
  refs: [rfc(9110, '10.1.1'), gunicornCode('http/wsgi.py', 'create()')],
  async run(t) {
    const server = await t.shared();
    const connection = await send(server, { method: 'POST', target: '/echo', headers: [['Content-Length', '5'], ['Expect', '100-continue'], ['Connection', 'close']] });
    await eventually(() => /^HTTP\/1\.1 100/.test(connection.pending.toString('latin1')), { within: 3000, what: 'an interim 100 Continue before the body', seen: () => bytesWords(connection.pending) });
    await connection.write('hello');
    const response = await connection.readResponse();
    connection.destroy();
    checkEqual(response.interim.map((i) => i.status), [100], 'interim responses');
    checkEqual(answerOf('POST /echo after 100 Continue', '/echo', response).body.length, 5, 'body bytes the app read');
  },
};
