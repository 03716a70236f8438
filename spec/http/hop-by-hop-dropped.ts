import { check, checkEqual } from '../harness/assert.ts';
import { request } from '../harness/client.ts';
import { headerValues } from '../harness/wire.ts';
import { pep3333, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { respondTarget } from './support.ts';

export const hopByHopDropped: SpecCase = {
  id: 'http.hop-by-hop-dropped',
  level: 'MUST',
  requirement: 'Hop-by-hop headers set by the app (Connection, Keep-Alive, Proxy-Authenticate, Proxy-Authorization, TE, Trailers, Transfer-Encoding, Upgrade) are not sent.',
  refs: [pep3333('Other HTTP Features', 'apps must not send hop-by-hop headers; servers own them'), gunicornCode('util.py', 'is_hoppish()')],
  async run(t) {
    const server = await t.shared();
    const appHeaders: Array<[string, string]> = [
      ['Keep-Alive', 'timeout=99'],
      ['Proxy-Authenticate', 'Basic realm=probe'],
      ['Proxy-Authorization', 'Basic cHJvYmU='],
      ['TE', 'trailers'],
      ['Trailers', 'X-Probe'],
      ['Upgrade', 'probe/1'],
      ['Connection', 'x-probe-token'],
      ['Transfer-Encoding', 'gzip'],
    ];
    const response = await request(server, { target: respondTarget(200, appHeaders, 'ok') });
    for (const [name, value] of appHeaders) {
      const sent = headerValues(response, name).filter((v) => v.toLowerCase().includes(value.toLowerCase()));
      check(sent.length === 0, `the app's hop-by-hop header ${name}: ${value} was sent`);
    }
    checkEqual(response.body.toString(), 'ok', 'the body');
  },
};
