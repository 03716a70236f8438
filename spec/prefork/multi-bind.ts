import { checkEqual } from '../harness/assert.ts';
import { requireGiven } from '../harness/case.ts';
import { getJson } from '../harness/client.ts';
import { eventually } from '../harness/eventually.ts';
import { settledWorkers } from '../harness/observe.ts';
import { docs, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

export const multiBind: SpecCase = {
  id: 'prefork.multi-bind',
  level: 'MUST',
  requirement:
    'With several bind addresses, the same workers accept on every one of them: a single worker answers on each address (and, in the wsgi profile, SERVER_PORT names the address that accepted).',
  refs: [
    docs('gunicorn', 'settings#bind', '"Multiple addresses can be bound"'),
    docs('unicorn', 'DESIGN', 'all workers share a common set of listener sockets'),
    gunicornCode('arbiter.py', 'start()', 'creates every listener; each worker accepts on all of them'),
  ],
  needs: ['multi-bind'],
  server: { workers: 1, extraBinds: 2 },
  async run(t) {
    const server = await t.start();
    requireGiven(server, { workers: 1 });
    const [worker] = await settledWorkers(server, 1);
    for (const port of [server.port, ...server.extraPorts]) {
      const address = { host: server.host, port };
      // Readiness covers the first address only; the others may open a moment later.
      const { environ, pid } = await eventually(() => getJson<{ environ?: Record<string, unknown>; pid: number }>(address, '/echo'), {
        within: 5000,
        what: `an answer on ${server.host}:${port}`,
      });
      t.evidence(`port ${port}`, { pid, SERVER_PORT: environ?.SERVER_PORT });
      checkEqual(pid, worker, `the worker answering on port ${port} (the only one)`);
      // Only a WSGI environ promises SERVER_PORT from the socket (gunicorn's rule).
      if (environ) checkEqual(String(environ.SERVER_PORT), String(port), `SERVER_PORT of a request accepted on port ${port}`);
    }
  },
};
