import { check, checkEqual } from '../../harness/assert.ts';
import { rfc, pep3333, gunicornCode } from '../../harness/refs.ts';
import type { SpecCase } from '../../harness/case.ts';
import { echo } from '../support.ts';

export const environServerNamePort: SpecCase = {
  id: 'gateway.environ.server-name-port',
  level: 'MUST',
  requirement: 'SERVER_NAME is a non-empty string and SERVER_PORT the port that accepted the request, neither taken from the Host header (gunicorn: the bound address; uWSGI: the host name).',
  refs: [pep3333('environ Variables'), rfc(3875, '4.1.14', 'CGI: the server\'s name; 4.1.15 its port'), gunicornCode('http/wsgi.py', 'create()')],
  profile: 'wsgi',
  async run(t) {
    const server = await t.shared();
    const { environ } = await echo<'wsgi'>(server, { headers: [['Host', 'example.test:9999'], ['Connection', 'close']] });
    t.evidence('SERVER_NAME', environ.SERVER_NAME);
    check(typeof environ.SERVER_NAME === 'string' && environ.SERVER_NAME !== '', `SERVER_NAME is ${JSON.stringify(environ.SERVER_NAME)}`);
    check(environ.SERVER_NAME !== 'example.test', 'SERVER_NAME was taken from the Host header (example.test:9999)');
    // The port's value is this rule; its type (a string) is gateway.environ.required's.
    checkEqual(String(environ.SERVER_PORT), String(server.port), 'SERVER_PORT');
  },
};
