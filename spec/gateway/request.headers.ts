import { check, checkEqual } from '../harness/assert.ts';
import { rfc, note } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { echo } from './support.ts';

export const requestHeaders: SpecCase = {
  id: 'gateway.request.headers',
  level: 'MUST',
  requirement:
    'Every header field the client sent reaches the app with its value, under its name in any case; a repeated field arrives in order, as one value joined by "," or ", " or as one entry per line.',
  refs: [
    rfc(9110, '5.3', 'a repeated field is equivalent to one with its values joined by commas'),
    note('PEP 3333, Rack SPEC and fetch Headers join them, ASGI keeps each line ("preserve headers exactly as they were provided")'),
  ],
  async run(t) {
    const server = await t.shared();
    const { request } = await echo(server, { headers: [['X-Conform-A', '1'], ['X-Conform-B', 'v  w'], ['X-Conform-A', '2'], ['Connection', 'close']] });
    t.evidence('headers', request.headers);
    const seen = (name: string) => request.headers.filter(([n]) => n === name).map(([, v]) => v);
    check(['1,2', '1, 2', '1|2'].includes(seen('x-conform-a').join('|')), `X-Conform-A sent as 1 then 2 reached the app as ${JSON.stringify(seen('x-conform-a'))}`);
    checkEqual(seen('x-conform-b'), ['v  w'], 'the value of X-Conform-B the app got');
  },
};
