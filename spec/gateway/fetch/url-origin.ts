import { checkEqual } from '../../harness/assert.ts';
import { rfc, whatwg } from '../../harness/refs.ts';
import type { SpecCase } from '../../harness/case.ts';
import { echo } from '../support.ts';

export const fetchUrlOrigin: SpecCase = {
  id: 'gateway.fetch.url-origin',
  level: 'MUST',
  requirement:
    'The Request URL\'s origin is the http scheme with the Host header\'s authority, whatever the request target looks like: a target starting with "//" keeps the Host\'s origin and its whole path.',
  refs: [rfc(9112, '3.3', 'reconstructing the target URI of an origin-form request from Host'), whatwg('url', 'new URL(target, base) reads "//x" as an authority')],
  profile: 'fetch',
  async run(t) {
    const server = await t.shared();
    const host = 'good.example';
    for (const target of ['/echo/x', '//evil.example/echo?probe=echo']) {
      const answer = await echo<'fetch'>(server, { target, headers: [['Host', host], ['Connection', 'close']] });
      t.evidence(target, answer.url);
      const url = new URL(answer.url ?? 'about:blank');
      checkEqual(url.host, host, `the URL's host for ${target} with Host: ${host} (URL ${answer.url})`);
      checkEqual(url.pathname, target.split('?')[0], `the URL's path for ${target}`);
    }
  },
};
