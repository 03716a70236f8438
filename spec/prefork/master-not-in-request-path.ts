import { checkEqual } from '../harness/assert.ts';
import { getJson } from '../harness/client.ts';
import { docs } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

export const masterNotInRequestPath: SpecCase = {
  id: 'prefork.master-not-in-request-path',
  level: 'MUST',
  requirement: 'With the master stopped (SIGSTOP), the workers keep accepting and serving requests.',
  refs: [docs('gunicorn', 'design', '"The master never knows anything about individual clients"'), docs('unicorn', 'DESIGN', 'the Rack application is called only within the worker process')],
  server: { workers: 2 },
  async run(t) {
    const server = await t.start();
    await getJson(server, '/pid');
    await server.signal(server.masterPid, 'SIGSTOP');
    try {
      for (let i = 0; i < 4; i++) {
        const { ppid } = await getJson<{ ppid: number }>(server, '/pid', {}, { timeoutMs: 5000 });
        checkEqual(ppid, server.masterPid, 'the serving worker\'s parent');
      }
    } finally {
      await server.signal(server.masterPid, 'SIGCONT');
    }
  },
};
