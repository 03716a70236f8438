import { check } from '../harness/assert.ts';
import { send } from '../harness/client.ts';
import { rfc, pep3333, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

export const responseErrorAfterHeadersCloses: SpecCase = {
  id: 'gateway.response.error-after-headers-closes',
  level: 'MUST',
  requirement:
    'An app that raises after starting its response (status 200, a first piece of body) never gets the client a complete response of its status: a server that sent the head closes the connection without a proper end of body, so the client sees the response is incomplete; a server that had sent nothing yet (it buffers) may answer with a server error (5xx) instead.',
  refs: [
    pep3333('Error Handling', 'headers sent: the server must not hide the error; nothing sent: it should send an error response'),
    rfc(9112, '8', 'an incomplete message'),
    gunicornCode('workers/sync.py', 'handle_request()'),
  ],
  async run(t) {
    const server = await t.shared();
    const connection = await send(server, { target: '/raise?when=after' });
    const outcome = await connection.readResponse({ timeoutMs: 5000 }).then(
      (response) => ({ response, words: `a complete ${response.status} response (${response.framing}, ${response.body.length} bytes)` }),
      (e: Error) => ({ response: undefined, words: e.message }),
    );
    // A complete server error replaced the app's answer: the client cannot take it for
    // success, and the connection may stay open for the next request.
    if (outcome.response && outcome.response.status >= 500) {
      connection.destroy();
      t.evidence('outcome', { outcome: outcome.words });
      return;
    }
    const closed = await connection.waitClosed(3000);
    connection.destroy();
    t.evidence('outcome', { outcome: outcome.words, closed });
    check(!outcome.response, `the client received ${outcome.words}, indistinguishable from success`);
    check(closed !== 'open', `the connection stayed open (${outcome.words})`);
  },
};
