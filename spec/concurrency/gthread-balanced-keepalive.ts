import { check } from '../harness/assert.ts';
import { requireGiven } from '../harness/case.ts';
import { answerOf, exchange, getJson, hostHeader } from '../harness/client.ts';
import { eventually } from '../harness/eventually.ts';
import { bytesWords, settledWorkers } from '../harness/observe.ts';
import { formatRequest } from '../harness/wire.ts';
import { gunicornIssues } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

export const gthreadBalancedKeepalive: SpecCase = {
  id: 'concurrency.gthread-balanced-keepalive',
  level: 'SHOULD',
  requirement:
    'A gthread worker whose only thread runs a request that came on a kept-alive connection takes no new connection while another worker idles: the other worker answers it.',
  refs: [gunicornIssues([908, 2191], 'gthread accepts connections beyond its threads')],
  classes: ['gthread'],
  server: { workers: 2, threads: 1 },
  async run(t) {
    const HOLD_MS = 1200;
    const server = await t.start();
    requireGiven(server, { workers: 2, threads: 1 });
    await settledWorkers(server, 2);
    // Which worker the kernel wakes for a new connection is a coin toss: several rounds.
    for (let round = 1; round <= 6; round++) {
      const { connection, response } = await exchange(server, { target: '/pid' });
      const held = answerOf<{ pid: number }>('GET /pid', '/pid', response).pid;
      try {
        // A second request on the kept connection holds its worker's thread; its first piece
        // (with the head) proves it runs before the new connection is made.
        await connection.write(formatRequest({ target: `/stream?chunks=2&bytes=1&delay=${HOLD_MS}` }, hostHeader(server)));
        await eventually(() => connection.pending.includes('\r\n\r\n'), { within: 5000, what: 'the held request to start', seen: () => bytesWords(connection.pending) });
        const sent = Date.now();
        const { pid } = await getJson<{ pid: number }>(server, '/pid', {}, { timeoutMs: HOLD_MS + 10_000 });
        t.evidence(`round ${round}`, { held, answeredBy: pid, ms: Date.now() - sent });
        check(pid !== held, `round ${round}: worker ${held}, its only thread busy, took a new connection (answered after ${Date.now() - sent} ms) while the other worker idled`);
        // The held request ends before the next round, so both workers start it idle.
        await connection.readResponse({ timeoutMs: HOLD_MS + 10_000 });
      } finally {
        connection.destroy();
      }
    }
  },
};
