import { rfc } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { respondTarget, checkNoBodyBytes } from './support.ts';

export const noBody204304: SpecCase = {
  id: 'http.no-body-204-304',
  level: 'SHOULD',
  requirement: 'A 204 or 304 response carries no body bytes, whatever the app writes.',
  refs: [rfc(9110, '15.3.5'), rfc(9110, '15.4.5')],
  async run(t) {
    const server = await t.shared();
    for (const status of [204, 304]) await checkNoBodyBytes(server, 'GET', respondTarget(status, [], 'hello'), `status ${status}`);
  },
};
