import { check } from '../../harness/assert.ts';
import type { SpecCase } from '../../harness/case.ts';
import { eventually } from '../../harness/eventually.ts';
import { exitWords } from '../../harness/observe.ts';
import { asgi, note } from '../../harness/refs.ts';
import { saidBy } from './support.ts';

/** How soon a server whose app cannot start must have given up. */
const EXIT_WITHIN_S = 10;

export const asgiLifespanStartupFailedHalts: SpecCase = {
  id: 'gateway.asgi.lifespan-startup-failed-halts',
  level: 'SHOULD',
  requirement: `When the app fails its lifespan startup (lifespan.startup.failed), the server exits non-zero within ${EXIT_WITHIN_S} s instead of serving or restarting the worker in a loop.`,
  refs: [
      asgi('lifespan', 'Startup Failed', 'the server should log the message and exit'),
      note("the model's prefork.boot-error-halts for an app that fails to load"),
    ],
  profile: 'asgi',
  budgetMs: 20_000,
  server: { workers: 1, env: { CONFORM_PROBE_STARTUP_FAIL: '1' } },
  async run(t) {
    const server = await t.start(undefined, { waitReady: false });
    const status = await eventually(() => server.exitStatus(), { within: EXIT_WITHIN_S * 1000, what: 'the master to exit', seen: () => `${exitWords(server)}; startups failed: ${saidBy(server, 'lifespan startup failed').size}` });
    t.evidence('exit', status);
    check(status.code !== 0 && status.code !== null, `${exitWords(server)}, not a non-zero code`);
  },
};
