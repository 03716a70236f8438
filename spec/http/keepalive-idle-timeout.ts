import { check } from '../harness/assert.ts';
import { exchange } from '../harness/client.ts';
import { rfc, docs } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

/** How late after `keepalive` the close may come: an idle timer checked on a loop's turn. */
const CLOSE_SLACK_S = 2;
/** How early it may seem to come: the idle timer starts when the server's write ends, before the client reads. */
const EARLY_S = 0.3;

export const keepaliveIdleTimeout: SpecCase = {
  id: 'http.keepalive-idle-timeout',
  level: 'MUST',
  requirement: (c) => `An idle keep-alive connection is closed by the server after \`keepalive\` seconds (within +${CLOSE_SLACK_S} s; keepalive ${c.keepalive}: ${c.keepalive - EARLY_S} to ${c.keepalive + CLOSE_SLACK_S} s).`,
  refs: [
    rfc(9112, '9.5', 'a server closes an inactive connection after a timeout of its own'),
    docs('gunicorn', 'settings#keepalive', '"The number of seconds to wait for requests on a Keep-Alive connection"'),
  ],
  classes: ['gthread', 'async'],
  settings: ['keepalive'],
  server: { workers: 1, keepalive: 1 },
  async run(t) {
    const server = await t.start();
    const { keepalive } = server.config; // as the target's bounds left it
    const { connection } = await exchange(server, { target: '/pid' });
    const idleSince = Date.now();
    const state = await connection.waitClosed((keepalive + CLOSE_SLACK_S) * 1000);
    const after = Date.now() - idleSince;
    connection.destroy();
    t.evidence('closedAfterMs', after);
    check(state !== 'open', `the idle connection was still open after ${after} ms`);
    check(after >= (keepalive - EARLY_S) * 1000, `the idle connection was closed after ${after} ms, before keepalive ${keepalive} s`);
  },
};
