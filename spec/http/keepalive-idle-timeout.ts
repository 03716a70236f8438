import { check } from '../harness/assert.ts';
import { exchange } from '../harness/client.ts';
import { rfc, docs } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

export const keepaliveIdleTimeout: SpecCase = {
  id: 'http.keepalive-idle-timeout',
  level: 'MUST',
  requirement: 'An idle keep-alive connection is closed by the server after `keepalive` seconds (within +2 s).',
  refs: [
    rfc(9112, '9.5', 'a server closes an inactive connection after a timeout of its own'),
    docs('gunicorn', 'settings#keepalive', '"The number of seconds to wait for requests on a Keep-Alive connection"'),
  ],
  classes: ['gthread', 'async'],
  settings: ['keepalive'],
  async run(t) {
    const server = await t.start({ workers: 1, keepalive: 1 });
    const { keepalive } = server.config; // as the target's bounds left it
    const { connection } = await exchange(server, { target: '/pid' });
    const idleSince = Date.now();
    const state = await connection.waitClosed(keepalive * 1000 + 2000);
    const after = Date.now() - idleSince;
    connection.destroy();
    t.evidence('closedAfterMs', after);
    check(state !== 'open', `the idle connection was still open after ${after} ms`);
    check(after >= keepalive * 1000 - 300, `the idle connection was closed after ${after} ms, before keepalive ${keepalive} s`);
  },
};
