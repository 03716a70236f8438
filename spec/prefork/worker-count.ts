import { check } from '../harness/assert.ts';
import { getJson } from '../harness/client.ts';
import { eventually, holds } from '../harness/eventually.ts';
import { workerWords } from '../harness/observe.ts';
import { docs, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

export const workerCount: SpecCase = {
  id: 'prefork.worker-count',
  level: 'MUST',
  requirement: (c) => `After boot there are exactly N worker processes (N = workers: ${c.workers}), each a child of the master.`,
  refs: [docs('gunicorn', 'settings#workers'), docs('unicorn', 'DESIGN', 'one master process spawns and reaps worker processes'), gunicornCode('arbiter.py', 'manage_workers()')],
  server: { workers: 3 },
  async run(t) {
    const server = await t.start();
    const n = server.config.workers;
    // The same target with the kit's default count (the pre-flight's server): a count that
    // does not follow what was asked is a command that never passes {workers}.
    const plain = await t.shared();
    const seen = async () => {
      const [asked, other] = [await server.workers(), await plain.workers()];
      const ignored = other.length === asked.length && plain.config.workers !== n;
      return workerWords(asked) + (ignored ? `; asked for ${plain.config.workers}, it runs ${other.length} too: does the manifest's command pass {workers} to the server?` : '');
    };
    await eventually(async () => (await server.workers()).length === n, { within: 5000, what: `${n} workers`, seen });
    await holds(async () => (await server.workers()).length === n, { within: 1000, what: `the worker count staying at ${n}`, seen: async () => workerWords(await server.workers()) });
    const pids = new Set<number>();
    for (let i = 0; i < 12 && pids.size < 2; i++) pids.add((await getJson<{ pid: number; ppid: number }>(server, '/pid')).pid);
    const workers = await server.workers();
    for (const pid of pids) check(workers.includes(pid), `request served by ${pid}, which is not a child of the master`);
  },
};
