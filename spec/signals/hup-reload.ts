import { check, checkEqual } from '../harness/assert.ts';
import { getJson } from '../harness/client.ts';
import { eventually } from '../harness/eventually.ts';
import { settledWorkers, workerWords } from '../harness/observe.ts';
import { perform } from '../harness/operations.ts';
import { docs } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

export const hupReload: SpecCase = {
  id: 'signals.hup-reload',
  level: 'MUST',
  requirement: 'On a reload (gunicorn: HUP), every worker pid is replaced, the master pid stays, and the count is the configured N again.',
  refs: [
    docs('gunicorn', 'signals', '"HUP: Reload the configuration, start the new worker processes ... gracefully shutdown older workers"'),
    docs('uwsgi', 'Management', 'HUP: graceful reload'),
  ],
  operations: ['reload'],
  server: { workers: 2 },
  async run(t) {
    const server = await t.start();
    const before = await settledWorkers(server, server.config.workers);
    await perform(t, server, 'reload');
    await eventually(
      async () => {
        const now = await server.workers();
        return now.length === before.length && now.every((p) => !before.includes(p));
      },
      { within: 10_000, what: `${before.length} new workers and none of the old`, seen: async () => `${workerWords(await server.workers())}; the old ones were ${before.join(', ')}` },
    );
    check(server.exitStatus() === null, 'the master exited on a reload');
    const { ppid } = await getJson<{ ppid: number }>(server, '/pid');
    checkEqual(ppid, server.masterPid, 'the new workers\' parent');
  },
};
