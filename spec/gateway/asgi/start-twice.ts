import { checkEqual } from '../../harness/assert.ts';
import type { SpecCase } from '../../harness/case.ts';
import { getJson } from '../../harness/client.ts';
import { asgi, note } from '../../harness/refs.ts';

export const asgiStartTwice: SpecCase = {
  id: 'gateway.asgi.start-twice',
  level: 'SHOULD',
  requirement: 'An app that sends http.response.start a second time has the send raise an exception.',
  refs: [asgi('core', 'Error Handling', 'a server should raise an exception out of send for an invalid event'), note('uvicorn and hypercorn raise')],
  profile: 'asgi',
  async run(t) {
    const outcome = await getJson<{ second_call_raised: boolean }>(await t.shared(), '/start-response-twice');
    checkEqual(outcome.second_call_raised, true, 'whether the second http.response.start raised');
  },
};
