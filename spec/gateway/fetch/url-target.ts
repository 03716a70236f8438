import { checkEqual } from '../../harness/assert.ts';
import { rfc, whatwg } from '../../harness/refs.ts';
import type { SpecCase } from '../../harness/case.ts';
import { echo } from '../support.ts';

export const fetchUrlTarget: SpecCase = {
  id: 'gateway.fetch.url-target',
  level: 'MUST',
  requirement: 'The Request URL\'s path and query are the request target\'s as sent: percent-escapes kept (%2F stays %2F), the query byte for byte.',
  refs: [whatwg('url', 'path and query percent-encode sets keep existing escapes'), rfc(9112, '3.3')],
  profile: 'fetch',
  async run(t) {
    const server = await t.shared();
    const target = '/echo/a%2Fb%20c%C3%A9?x=%20y&z=1+2';
    const answer = await echo<'fetch'>(server, { target });
    const url = new URL(answer.url ?? 'about:blank');
    checkEqual(url.pathname + url.search, target, 'the URL\'s path and query');
  },
};
