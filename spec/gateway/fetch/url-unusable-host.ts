import { check } from '../../harness/assert.ts';
import { answerOf, request } from '../../harness/client.ts';
import { rfc, whatwg } from '../../harness/refs.ts';
import type { SpecCase } from '../../harness/case.ts';
import type { FetchEcho } from '../support.ts';

export const fetchUrlUnusableHost: SpecCase = {
  id: 'gateway.fetch.url-unusable-host',
  level: 'MUST',
  requirement:
    'A Host that fits the uri-host syntax but no URL can carry (port 99999, `999.1.1.1`, `a%00b`) never costs the request its path and query: it is refused (4xx), or served with the server\'s own authority and the target whole.',
  refs: [
    rfc(9112, '3.2', '400 for a Host with an invalid field value'),
    whatwg('url', 'host parsing refuses these, so a Request cannot be built with them'),
    rfc(9112, '3.3'),
  ],
  profile: 'fetch',
  async run(t) {
    // A server of its own: an adapter whose new Request() throws may take its worker, or its
    // whole server, down with it (the node:cluster baseline's primary then halts), and the
    // cases sharing a server would fail for it.
    const server = await t.start();
    const target = '/echo/kept?x=1';
    const lost: string[] = [];
    // Every Host is tried, so the verdict names all that went wrong, not the first.
    // Refused by the URL parsers of Node 20 and 24 (24's takes xn--a, 20's did not).
    for (const host of ['a.example:99999', '999.1.1.1', 'a%00b']) {
      const response = await request(server, { target, headers: [['Host', host], ['Connection', 'close']] });
      if (response.status >= 400 && response.status < 500) continue;
      if (response.status !== 200) {
        lost.push(`Host ${host}: ${response.status} ${response.reason}`);
        continue;
      }
      const answer = answerOf<FetchEcho>(`GET ${target} with Host ${host}`, target, response);
      t.evidence(host, answer.url);
      const url = new URL(answer.url ?? 'about:blank');
      if (url.pathname + url.search !== target) lost.push(`Host ${host}: served with the URL ${answer.url}`);
    }
    check(lost.length === 0, `the path and query ${target} were not kept, nor the request refused: ${lost.join('; ')}`);
  },
};
