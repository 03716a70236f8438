import { check } from '../harness/assert.ts';
import { eventually } from '../harness/eventually.ts';
import { exitWords } from '../harness/observe.ts';
import { docs, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

const EXIT_WITHIN_S = 5;

export const bootErrorHalts: SpecCase = {
  id: 'prefork.boot-error-halts',
  level: 'MUST',
  requirement: `When the app fails at import, the master exits non-zero within ${EXIT_WITHIN_S} s and does not respawn workers in a loop.`,
  refs: [docs('uwsgi', 'Options#need-app', 'exit if no app can be loaded'), gunicornCode('arbiter.py', undefined, 'WORKER_BOOT_ERROR / APP_LOAD_ERROR halt the master')],
  budgetMs: 15_000,
  server: { workers: 1, env: { CONFORM_PROBE_FAIL_AT_IMPORT: '1' } },
  async run(t) {
    const server = await t.start(undefined, { waitReady: false });
    const status = await eventually(() => server.exitStatus(), { within: EXIT_WITHIN_S * 1000, what: 'the master to exit', seen: () => exitWords(server) });
    t.evidence('exit', status);
    check(status.code !== 0 && status.code !== null, `${exitWords(server)}, not a non-zero code`);
  },
};
