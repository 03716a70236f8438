import { check, checkEqual } from '../../harness/assert.ts';
import { answerOf, request } from '../../harness/client.ts';
import { rfc, whatwg } from '../../harness/refs.ts';
import type { SpecCase } from '../../harness/case.ts';
import type { FetchEcho } from '../support.ts';

export const fetchUrlEmptyHost: SpecCase = {
  id: 'gateway.fetch.url-empty-host',
  level: 'MUST',
  requirement:
    'With an empty Host (allowed when the target URI has no authority), the Request URL\'s authority is the server\'s own (its configured name or the connection\'s local address) and the target stays its path: `GET /attacker.example/echo` never gets attacker.example as the URL\'s host.',
  refs: [
    rfc(9112, '3.3', 'Host with an empty field value: the authority is the server\'s default name or the local IP address'),
    rfc(9112, '3.2', 'an empty Host is valid'),
    whatwg('url', 'with an empty authority, the first path segment is read as the host'),
  ],
  profile: 'fetch',
  async run(t) {
    const server = await t.shared();
    const target = '/attacker.example/echo?probe=echo';
    const response = await request(server, { target, headers: [['Host', ''], ['Connection', 'close']] });
    // A server that refuses an empty Host hands the app no URL to poison (RFC 9112 lets it serve one).
    if (response.status >= 400 && response.status < 500) return t.evidence('refused', `${response.status} ${response.reason}`);
    const answer = answerOf<FetchEcho>(`GET ${target} with an empty Host`, target, response);
    t.evidence('url', answer.url);
    const url = new URL(answer.url ?? 'about:blank');
    check(url.hostname !== 'attacker.example', `the URL took the path's first segment as its host: ${answer.url}`);
    checkEqual(url.pathname + url.search, target, `the URL's path and query (URL ${answer.url})`);
  },
};
