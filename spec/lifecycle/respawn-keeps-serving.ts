import { getJson } from '../harness/client.ts';
import { goneAfter, settledWorkers } from '../harness/observe.ts';
import { docs } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

export const respawnKeepsServing: SpecCase = {
  id: 'lifecycle.respawn-keeps-serving',
  level: 'MUST',
  requirement: 'Once a SIGKILLed worker has died, and while it is being replaced, requests keep being served by the other workers.',
  refs: [docs('gunicorn', 'design', 'workers are independent; the master never handles a request'), docs('unicorn', 'DESIGN', 'the kernel decides which worker gets a connection')],
  server: { workers: 2 },
  async run(t) {
    const server = await t.start();
    const [victim] = await settledWorkers(server, server.config.workers);
    const killedAt = Date.now();
    await server.signal(victim, 'SIGKILL');
    // Not before it has died: a request sent in the instant between the signal and the death may
    // be taken by the dying worker and reset with it, in any server whose workers accept (a
    // node:cluster server with SCHED_NONE and two spinning processes beside it: 3 of 40 runs reset
    // a request sent at once, 0 of 40 after the wait). The rule is about serving from then on.
    await goneAfter(server, victim, killedAt, 2000, `the killed worker ${victim} to die`);
    for (let i = 0; i < 10; i++) await getJson(server, '/pid', {}, { timeoutMs: 5000 });
  },
};
