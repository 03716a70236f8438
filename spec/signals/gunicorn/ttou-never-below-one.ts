import { requireGiven } from '../../harness/case.ts';
import { getJson } from '../../harness/client.ts';
import { holds } from '../../harness/eventually.ts';
import { settledWorkers, workerWords } from '../../harness/observe.ts';
import { perform } from '../../harness/operations.ts';
import { gunicornCode, note } from '../../harness/refs.ts';
import type { SpecCase } from '../../harness/case.ts';

export const ttouNeverBelowOne: SpecCase = {
  id: 'signals.ttou-never-below-one',
  level: 'MUST',
  requirement: 'TTOU at one worker leaves that worker serving: the count never goes below one.',
  refs: [
    gunicornCode('arbiter.py', 'handle_ttou()', '"if self.num_workers <= 1: return"'),
    note('Unicorn, by contrast, goes to zero (http_server.rb: TTOU "if self.worker_processes > 0")'),
  ],
  profile: 'gunicorn',
  operations: ['removeWorker'],
  server: { workers: 1 },
  async run(t) {
    const server = await t.start();
    requireGiven(server, { workers: 1 });
    await settledWorkers(server, 1);
    await perform(t, server, 'removeWorker');
    // The count must not drop to zero: it holds at one while the master acts on the signal.
    await holds(async () => (await server.workers()).length === 1, {
      within: 2500,
      what: 'one worker after TTOU at one worker',
      seen: async () => workerWords(await server.workers()),
    });
    await getJson(server, '/pid');
  },
};
