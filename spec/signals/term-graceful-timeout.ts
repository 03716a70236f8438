import { check, checkTiming } from '../harness/assert.ts';
import { eventually } from '../harness/eventually.ts';
import { exitWords } from '../harness/observe.ts';
import { perform } from '../harness/operations.ts';
import { docs, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { inFlight } from './support.ts';

/** How late after graceful_timeout the cut may come: the master's once-a-second loop, the kill, the close. */
const CUT_SLACK_S = 3;
/** How early it may seem to come: the signal and the case's clock do not start at one instant. */
const EARLY_S = 0.5;

export const termGracefulTimeout: SpecCase = {
  id: 'signals.term-graceful-timeout',
  level: 'MUST',
  requirement: (c) =>
    `On a graceful stop, a request still running after graceful_timeout is cut off at about graceful_timeout (within +${CUT_SLACK_S} s; graceful_timeout ${c.gracefulTimeout}: ${c.gracefulTimeout - EARLY_S} to ${c.gracefulTimeout + CUT_SLACK_S} s) and the master exits.`,
  refs: [docs('gunicorn', 'settings#graceful-timeout'), gunicornCode('arbiter.py', 'stop()', 'SIGKILL after graceful_timeout')],
  operations: ['gracefulStop'],
  settings: ['gracefulTimeout'],
  server: { workers: 1, gracefulTimeout: 2 },
  async run(t) {
    const server = await t.start();
    const { gracefulTimeout } = server.config; // as the target's bounds left it
    const connection = await inFlight(server, 3, 10_000);
    const stopAt = Date.now();
    await perform(t, server, 'gracefulStop');
    const closed = await connection.waitClosed((gracefulTimeout + CUT_SLACK_S) * 1000);
    const cutAfter = Date.now() - stopAt;
    t.evidence('cut', { closed, cutAfter });
    check(closed !== 'open', `the in-flight request was still open ${cutAfter} ms after the graceful stop`);
    checkTiming(cutAfter, (gracefulTimeout - EARLY_S) * 1000, (gracefulTimeout + CUT_SLACK_S) * 1000, 'ms from the graceful stop to the cut');
    await eventually(() => server.exitStatus(), { within: 3000, what: 'the master to exit', seen: () => exitWords(server) });
  },
};
