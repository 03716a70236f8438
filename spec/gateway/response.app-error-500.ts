import { check } from '../harness/assert.ts';
import { request } from '../harness/client.ts';
import { rfc, pep3333, gunicornCode, note } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

export const responseAppError500: SpecCase = {
  id: 'gateway.response.app-error-500',
  level: 'MUST',
  requirement: 'An app that raises before starting its response gets a server error (5xx) sent to the client: 500, or 502 from a server whose front process relays to its app processes.',
  refs: [
    pep3333('Error Handling'),
    rfc(9110, '15.6', '5xx: the server failed to fulfil the request'),
    gunicornCode('workers/base.py', 'handle_error()', '500'),
    note('Passenger answers 502 from its core'),
  ],
  async run(t) {
    const response = await request(await t.shared(), { target: '/raise?when=before', headers: [['Connection', 'close']] });
    check(response.status >= 500 && response.status <= 599, `the status was ${response.status} ${response.reason}, not a server error (5xx)`);
  },
};
