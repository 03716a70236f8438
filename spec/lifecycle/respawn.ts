import { check } from '../harness/assert.ts';
import { eventually } from '../harness/eventually.ts';
import { masterWords, settledWorkers, workerWords } from '../harness/observe.ts';
import { docs, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { RESPAWN_WITHIN_S } from './support.ts';

export const respawn: SpecCase = {
  id: 'lifecycle.respawn',
  level: 'MUST',
  requirement: `When a worker is SIGKILLed, a new worker exists within ${RESPAWN_WITHIN_S} s and the count is back to N.`,
  refs: [
    docs('gunicorn', 'design', '"CHLD indicates that a child process has terminated, in this case the master process automatically restarts the failed worker"'),
    gunicornCode('arbiter.py', 'reap_workers()', 'handle_chld -> reap_workers; manage_workers spawns up to N'),
  ],
  server: { workers: 2 },
  async run(t) {
    const server = await t.start();
    const [victim, other] = await settledWorkers(server, server.config.workers);
    const killedAt = Date.now();
    await server.signal(victim, 'SIGKILL');
    const pids = await eventually(
      async (): Promise<number[] | undefined> => {
        const now = await server.workers();
        return now.length === server.config.workers && !now.includes(victim) ? now : undefined;
      },
      { within: RESPAWN_WITHIN_S * 1000, every: 5, what: `a replacement worker (count back to ${server.config.workers})`, seen: async () => `${workerWords(await server.workers())} (killed: ${victim}; ${await masterWords(server)})` },
    );
    t.evidence('respawnMs', Date.now() - killedAt);
    check(pids.includes(other), `the surviving worker ${other} was replaced too (${pids})`);
  },
};
