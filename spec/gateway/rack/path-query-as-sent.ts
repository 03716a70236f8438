import { check, checkEqual } from '../../harness/assert.ts';
import { rackSpec } from '../../harness/refs.ts';
import type { SpecCase } from '../../harness/case.ts';
import { echo } from '../support.ts';

export const rackPathQueryAsSent: SpecCase = {
  id: 'gateway.rack.path-query-as-sent',
  level: 'MUST',
  requirement: 'PATH_INFO and QUERY_STRING are the path and the query of the request target as sent: percent-escapes kept, nothing decoded, and no HTTP_CONTENT_TYPE or HTTP_CONTENT_LENGTH key.',
  refs: [
    rackSpec('The Environment', 'PATH_INFO: the remainder of the request URL\'s path; QUERY_STRING: the portion after ?; "must not contain the keys HTTP_CONTENT_TYPE or HTTP_CONTENT_LENGTH"'),
  ],
  profile: 'rack',
  async run(t) {
    const server = await t.shared();
    const { env } = await echo<'rack'>(server, { target: '/echo/a%2Fb%20c%C3%A9?x=%20y&z=1+2' });
    checkEqual(env.PATH_INFO, '/echo/a%2Fb%20c%C3%A9', 'PATH_INFO');
    checkEqual(env.QUERY_STRING, 'x=%20y&z=1+2', 'QUERY_STRING');
    const post = await echo<'rack'>(server, { method: 'POST', headers: [['Content-Type', 'text/plain'], ['Connection', 'close']], body: 'hello' });
    checkEqual(post.env.CONTENT_TYPE, 'text/plain', 'CONTENT_TYPE');
    checkEqual(post.env.CONTENT_LENGTH, '5', 'CONTENT_LENGTH');
    check(!('HTTP_CONTENT_TYPE' in post.env) && !('HTTP_CONTENT_LENGTH' in post.env), 'env has HTTP_CONTENT_TYPE or HTTP_CONTENT_LENGTH');
  },
};
