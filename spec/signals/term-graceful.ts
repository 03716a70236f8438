import { checkEqual } from '../harness/assert.ts';
import { eventually } from '../harness/eventually.ts';
import { exitWords } from '../harness/observe.ts';
import { perform } from '../harness/operations.ts';
import { docs, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { inFlight, refused } from './support.ts';

export const termGraceful: SpecCase = {
  id: 'signals.term-graceful',
  level: 'MUST',
  requirement:
    'On a graceful stop (gunicorn: TERM), a request in flight completes, the port stops accepting new connections, and the master exits as the target declares (gunicorn: status 0).',
  refs: [
    docs('gunicorn', 'signals', '"TERM: Graceful shutdown"'),
    docs('unicorn', 'SIGNALS', 'QUIT: graceful'),
    docs('puma', 'signals', 'TERM re-raised'),
    gunicornCode('arbiter.py', 'stop()', 'graceful=True'),
  ],
  operations: ['gracefulStop'],
  server: { workers: 1, gracefulTimeout: 10 },
  async run(t) {
    const server = await t.start();
    const connection = await inFlight(server, 3, 700);
    await perform(t, server, 'gracefulStop');
    const response = await connection.readResponse({ timeoutMs: 8000 });
    checkEqual(response.body.toString(), '000011112222', 'the streamed body of the in-flight request');
    await eventually(() => refused(server), { within: 5000, what: 'new connections to be refused', seen: () => 'new connections were still accepted' });
    const status = await eventually(() => server.exitStatus(), { within: 5000, what: 'the master to exit', seen: () => exitWords(server) });
    checkEqual(status, t.target.gracefulExit, 'the master\'s exit status (operations.gracefulExit)');
  },
};
