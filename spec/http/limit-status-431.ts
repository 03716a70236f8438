import { hostHeader } from '../harness/client.ts';
import { formatRequest } from '../harness/wire.ts';
import { rfc, changelog } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { checkRejected, headerLine } from './support.ts';

export const limitStatus431: SpecCase = {
  id: 'http.limit-status-431',
  level: 'SHOULD',
  requirement: 'A header line over the size limit is answered 431 (Request Header Fields Too Large).',
  refs: [rfc(6585, '5'), changelog('21.0')],
  limits: ['headerFieldSize'],
  async run(t) {
    const server = await t.shared();
    const limit = t.target.limits.headerFieldSize!;
    await checkRejected(server, formatRequest({ target: '/pid', headers: [headerLine(limit + 3)] }, hostHeader(server)), `a ${limit + 3}-byte header line (limit ${limit})`, [431]);
  },
};
