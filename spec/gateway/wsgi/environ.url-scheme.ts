import { checkEqual } from '../../harness/assert.ts';
import { pep3333, docs } from '../../harness/refs.ts';
import type { SpecCase } from '../../harness/case.ts';
import { echo } from '../support.ts';

export const environUrlScheme: SpecCase = {
  id: 'gateway.environ.url-scheme',
  level: 'MUST',
  requirement: 'wsgi.url_scheme is "https" only when a trusted peer (forwarded_allow_ips, default 127.0.0.1) sends X-Forwarded-Proto: https; otherwise "http".',
  refs: [pep3333('environ Variables', 'wsgi.url_scheme'), docs('gunicorn', 'settings#forwarded-allow-ips'), docs('gunicorn', 'settings#secure-scheme-headers')],
  profile: 'wsgi',
  needs: ['forwarded-allow-ips'],
  async run(t) {
    const server = await t.shared();
    const proto: Array<[string, string]> = [['X-Forwarded-Proto', 'https'], ['Connection', 'close']];
    checkEqual((await echo<'wsgi'>(server, { headers: proto, localAddress: '127.0.0.1' })).flags.url_scheme, 'https', 'url_scheme from trusted 127.0.0.1 with X-Forwarded-Proto: https');
    checkEqual((await echo<'wsgi'>(server, { localAddress: '127.0.0.1' })).flags.url_scheme, 'http', 'url_scheme without forwarded headers');
    checkEqual((await echo<'wsgi'>(server, { headers: proto, localAddress: '127.0.0.2' })).flags.url_scheme, 'http', 'url_scheme from untrusted 127.0.0.2 with X-Forwarded-Proto: https');
  },
};
