import { getJson } from '../harness/client.ts';
import { settledWorkers } from '../harness/observe.ts';
import { docs } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

export const respawnKeepsServing: SpecCase = {
  id: 'lifecycle.respawn-keeps-serving',
  level: 'MUST',
  requirement: 'While a killed worker is being replaced, requests keep being served by the other workers.',
  refs: [docs('gunicorn', 'design', 'workers are independent; the master never handles a request'), docs('unicorn', 'DESIGN', 'the kernel decides which worker gets a connection')],
  async run(t) {
    const server = await t.start({ workers: 2 });
    const [victim] = await settledWorkers(server, 2);
    await server.signal(victim, 'SIGKILL');
    for (let i = 0; i < 10; i++) await getJson(server, '/pid', {}, { timeoutMs: 5000 });
  },
};
