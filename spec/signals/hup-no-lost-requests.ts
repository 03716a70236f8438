import { getJson } from '../harness/client.ts';
import { deadlineIn } from '../harness/eventually.ts';
import { settledWorkers } from '../harness/observe.ts';
import { perform } from '../harness/operations.ts';
import { docs } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

export const hupNoLostRequests: SpecCase = {
  id: 'signals.hup-no-lost-requests',
  level: 'SHOULD',
  requirement: 'Requests sent one after another during a reload all succeed.',
  refs: [docs('gunicorn', 'signals', 'HUP starts new workers before stopping the old ones')],
  operations: ['reload'],
  server: { workers: 2 },
  async run(t) {
    const server = await t.start();
    const before = await settledWorkers(server, server.config.workers);
    await perform(t, server, 'reload');
    let served = 0;
    let finished = false;
    // Requests go on until the reload is over, for 8 s at most: a reload slower than that is
    // not this rule's to judge (whether it completes is signals.hup-reload's), and what was
    // sent meanwhile has all been answered.
    const deadline = deadlineIn(8000);
    while (!finished && !deadline.passed()) {
      await getJson(server, '/pid', {}, { timeoutMs: 5000 });
      served++;
      const now = await server.workers();
      finished = now.length === before.length && now.every((p) => !before.includes(p));
    }
    t.evidence('servedDuringReload', served);
    t.evidence('reloadFinished', finished);
  },
};
