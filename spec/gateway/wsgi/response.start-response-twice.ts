import { checkEqual } from '../../harness/assert.ts';
import { getJson } from '../../harness/client.ts';
import { pep3333, gunicornCode } from '../../harness/refs.ts';
import type { SpecCase } from '../../harness/case.ts';

export const responseStartResponseTwice: SpecCase = {
  id: 'gateway.response.start-response-twice',
  level: 'MUST',
  requirement: 'Calling start_response a second time without exc_info raises an error in the app.',
  refs: [pep3333('The start_response() Callable'), gunicornCode('http/wsgi.py', undefined, '"Response headers already set!"')],
  profile: 'wsgi',
  async run(t) {
    const outcome = await getJson<{ second_call_raised: boolean }>(await t.shared(), '/start-response-twice');
    checkEqual(outcome.second_call_raised, true, 'whether the second start_response call raised');
  },
};
