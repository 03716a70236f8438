import { Violation } from '../harness/assert.ts';
import { requireGiven } from '../harness/case.ts';
import { UnmetPremise } from '../harness/fault.ts';
import { getJson, hostHeader } from '../harness/client.ts';
import { Connection, WireError } from '../harness/wire.ts';
import { rfc, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

/** How soon the other client is answered. */
const ANSWERED_WITHIN_MS = 5000;

export const endedConnectionFreesCapacity: SpecCase = {
  id: 'concurrency.ended-connection-frees-capacity',
  level: 'SHOULD',
  requirement:
    `A connection the server has ended (an error answer to a malformed request) holds none of its capacity while the client keeps its own side open: with one worker of capacity one, another client is answered within ${ANSWERED_WITHIN_MS / 1000} s.`,
  refs: [rfc(9112, '9.6', 'the server closes after an error; a client need not'), gunicornCode('workers/sync.py', 'handle()', 'closes the socket after handle_error')],
  server: { workers: 1, threads: 1, connections: 1 },
  async run(t) {
    const server = await t.start();
    requireGiven(server, { workers: 1, threads: 1, connections: 1 });
    // A client that never closes: its socket stays open when the server ends the connection.
    const held = await Connection.open(server.host, server.port, undefined, 5000, true);
    try {
      await held.write(`GET /pid HTTP/1.1\r\nHost: ${hostHeader(server)}\r\nThis-Line-Has-No-Colon\r\n\r\n`);
      // Refused with a 4xx, or closed without an answer: either way the server is done with it.
      const refused = await held.readResponse({ timeoutMs: 5000 }).catch((error: unknown) => {
        if (error instanceof WireError && held.closeState !== 'open') return undefined;
        throw error;
      });
      // A server that serves the malformed request never ends the connection: this rule has
      // nothing to judge (refusing it is http.error-response-shape's and malformed-request-rejected's).
      if (refused && refused.status < 400) throw new UnmetPremise(`the malformed request was answered ${refused.status}, not refused: no connection the server ended to judge`);
      const other = await getJson(server, '/pid', {}, { timeoutMs: ANSWERED_WITHIN_MS }).catch((error: unknown) => {
        if (!(error instanceof WireError)) throw error;
        // Which side kept it: the server closing after its answer is http.error-response-shape's rule.
        const kept = held.closeState === 'open' ? 'the server had not closed it either' : 'the server had closed its side';
        throw new Violation(`another client got no answer while the refused connection stayed open on the client's side (${kept}): ${error.message}`);
      });
      t.evidence('answered by', other.pid);
    } finally {
      held.destroy();
    }
  },
};
