import { check } from '../../harness/assert.ts';
import type { SpecCase } from '../../harness/case.ts';
import type { RequestSpec } from '../../harness/wire.ts';
import { sha256 } from '../support.ts';
import { asgi } from '../../harness/refs.ts';
import { echo } from './support.ts';

export const asgiBodyEvents: SpecCase = {
  id: 'gateway.asgi.body-events',
  level: 'MUST',
  requirement:
    'A request body, sent with Content-Length or chunked, reaches the app as http.request events whose bodies join to the bytes sent, every event but the last with more_body true and the last with more_body false.',
  refs: [asgi('www', 'Request', 'body, more_body')],
  profile: 'asgi',
  async run(t) {
    const server = await t.shared();
    const body = Buffer.alloc(70_000, 'abcdefgh');
    const chunked = Buffer.concat([Buffer.from(`${(40_000).toString(16)}\r\n`), body.subarray(0, 40_000), Buffer.from(`\r\n${(30_000).toString(16)}\r\n`), body.subarray(40_000), Buffer.from('\r\n0\r\n\r\n')]);
    const sends: Array<[string, RequestSpec]> = [
      ['Content-Length', { method: 'POST', body }],
      ['chunked', { method: 'POST', headers: [['Transfer-Encoding', 'chunked'], ['Connection', 'close']], body: chunked }],
      ['no body', { method: 'GET' }],
    ];
    for (const [how, spec] of sends) {
      const answer = await echo(server, spec);
      const expected = how === 'no body' ? Buffer.alloc(0) : body;
      t.evidence(how, answer.events);
      const others = answer.events.filter((e) => e.type !== 'http.request');
      check(others.length === 0, `${how}: events other than http.request while reading the body: ${JSON.stringify(others)}`);
      const flags = answer.events.map((e) => e.more_body);
      const last = flags.length - 1;
      check(flags.every((more, i) => more === (i < last)), `${how}: more_body of the events was ${JSON.stringify(flags)}: true on each but the last, false on the last`);
      check(answer.body?.length === expected.length && answer.body.sha256 === sha256(expected), `${how}: sent ${expected.length} bytes, the events carried ${answer.body?.length}${answer.body?.length === expected.length ? ' (other bytes)' : ''}`);
    }
  },
};
