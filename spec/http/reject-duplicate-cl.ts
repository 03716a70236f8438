import { hostHeader } from '../harness/client.ts';
import { formatRequest } from '../harness/wire.ts';
import { rfc, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { checkRejected } from './support.ts';

export const rejectDuplicateCl: SpecCase = {
  id: 'http.reject-duplicate-cl',
  level: 'MUST',
  requirement: 'A request with two differing Content-Length headers is rejected (400 or close), never served.',
  refs: [rfc(9112, '6.3', 'item 5'), gunicornCode('http/message.py')],
  async run(t) {
    const server = await t.shared();
    await checkRejected(
      server,
      formatRequest({ method: 'POST', target: '/echo', headers: [['Content-Length', '3'], ['Content-Length', '5']], body: 'hello' }, hostHeader(server)),
      'two differing Content-Length headers',
    );
  },
};
