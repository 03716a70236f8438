import { check } from '../harness/assert.ts';
import { send } from '../harness/client.ts';
import { perform } from '../harness/operations.ts';
import { gunicornIssues } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { inFlight } from './support.ts';

export const termBacklogServed: SpecCase = {
  id: 'signals.term-backlog-served',
  level: 'SHOULD',
  requirement: 'Connections already waiting in the listen backlog when a graceful stop begins are served, not reset.',
  refs: [gunicornIssues([2529, 2409], '20.1: sync workers exit and the backlog gets RST')],
  operations: ['gracefulStop'],
  server: { workers: 1, gracefulTimeout: 10 },
  async run(t) {
    const server = await t.start();
    const busy = await inFlight(server, 2, 800);
    const waiting = await Promise.all(
      [1, 2, 3].map(async () => {
        const connection = await send(server, { target: '/pid', headers: [['Connection', 'close']] });
        return connection;
      }),
    );
    await perform(t, server, 'gracefulStop');
    // The request in flight is signals.term-graceful's to judge; here it only has to end first
    // (uWSGI's gthread class was seen to leave it hanging after its first chunk).
    await busy.readResponse({ timeoutMs: 5000 }).then(
      (response) => t.evidence('inFlightOutcome', response.status),
      (error: Error) => t.evidence('inFlightOutcome', error.message),
    );
    const outcomes = await Promise.all(
      waiting.map((c) => c.readResponse({ timeoutMs: 8000 }).then((r) => r.status, (e: Error) => e.message)),
    );
    t.evidence('waitingOutcomes', outcomes);
    check(outcomes.every((o) => o === 200), `connections waiting when the graceful stop began were not all served: ${JSON.stringify(outcomes)}`);
  },
};
