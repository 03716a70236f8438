import { check, checkTiming } from '../harness/assert.ts';
import { eventually } from '../harness/eventually.ts';
import { exitWords } from '../harness/observe.ts';
import { perform } from '../harness/operations.ts';
import { docs, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { inFlight } from './support.ts';

export const termGracefulTimeout: SpecCase = {
  id: 'signals.term-graceful-timeout',
  level: 'MUST',
  requirement: 'On a graceful stop, a request still running after graceful_timeout is cut off at about graceful_timeout (within +3 s) and the master exits.',
  refs: [docs('gunicorn', 'settings#graceful-timeout'), gunicornCode('arbiter.py', 'stop()', 'SIGKILL after graceful_timeout')],
  operations: ['gracefulStop'],
  settings: ['gracefulTimeout'],
  async run(t) {
    const gracefulTimeout = 2;
    const server = await t.start({ workers: 1, gracefulTimeout });
    const connection = await inFlight(server, 3, 10_000);
    const stopAt = Date.now();
    await perform(t, server, 'gracefulStop');
    const closed = await connection.waitClosed(gracefulTimeout * 1000 + 3000);
    const cutAfter = Date.now() - stopAt;
    t.evidence('cut', { closed, cutAfter });
    check(closed !== 'open', `the in-flight request was still open ${cutAfter} ms after the graceful stop`);
    checkTiming(cutAfter, gracefulTimeout * 1000 - 500, gracefulTimeout * 1000 + 3000, 'ms from the graceful stop to the cut');
    await eventually(() => server.exitStatus(), { within: 3000, what: 'the master to exit', seen: () => exitWords(server) });
  },
};
