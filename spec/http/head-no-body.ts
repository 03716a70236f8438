import { rfc, changelog } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { respondTarget, checkNoBodyBytes } from './support.ts';

export const headNoBody: SpecCase = {
  id: 'http.head-no-body',
  level: 'SHOULD',
  requirement: 'A response to HEAD carries no body bytes, whatever the app writes.',
  refs: [rfc(9110, '9.3.2'), changelog('26.0', 'HEAD bodies dropped')],
  run: async (t) => checkNoBodyBytes(await t.shared(), 'HEAD', respondTarget(200, [], 'hello'), 'HEAD'),
};
