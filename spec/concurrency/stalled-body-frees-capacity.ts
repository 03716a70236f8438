import { Violation } from '../harness/assert.ts';
import { requireGiven } from '../harness/case.ts';
import { getJson, hostHeader } from '../harness/client.ts';
import { bytesWords } from '../harness/observe.ts';
import { Connection, WireError } from '../harness/wire.ts';
import { rfc, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { STALL_TIMEOUT_S, STALL_SLACK_S } from './support.ts';

export const stalledBodyFreesCapacity: SpecCase = {
  id: 'concurrency.stalled-body-frees-capacity',
  level: 'SHOULD',
  requirement:
    `A request whose body stops coming holds no capacity for long: with one worker of capacity one and timeout ${STALL_TIMEOUT_S} s, a client that sends a head with Content-Length: 10 and 3 bytes of body, then nothing, does not keep another client from being answered within timeout + ${STALL_SLACK_S} s.`,
  refs: [
    rfc(9110, '15.5.9', '408: the server did not receive a complete request within the time it was prepared to wait'),
    rfc(9112, '9.6', 'a server may close a connection it no longer waits on'),
    gunicornCode('workers/sync.py', undefined, 'timeout bounds the request, its body included'),
  ],
  settings: ['timeout'],
  server: { workers: 1, threads: 1, connections: 1, timeout: STALL_TIMEOUT_S },
  async run(t) {
    const server = await t.start();
    requireGiven(server, { workers: 1, threads: 1, connections: 1 });
    const held = await Connection.open(server.host, server.port);
    try {
      await held.write(`POST /echo HTTP/1.1\r\nHost: ${hostHeader(server)}\r\nContent-Length: 10\r\n\r\nabc`);
      const within = (server.config.timeout + STALL_SLACK_S) * 1000;
      const other = await getJson(server, '/pid', {}, { timeoutMs: within }).catch((error: unknown) => {
        if (!(error instanceof WireError)) throw error;
        throw new Violation(`another client got no answer while a request body stalled (timeout ${server.config.timeout} s, waited ${within} ms; the stalled request ${held.closeState === 'open' ? 'still open' : `ended: ${held.closeState}`}, it got ${bytesWords(held.pending)}): ${error.message}`);
      });
      t.evidence('answered by', other.pid);
    } finally {
      held.destroy();
    }
  },
};
