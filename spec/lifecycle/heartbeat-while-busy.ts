import { check } from '../harness/assert.ts';
import { requireGiven } from '../harness/case.ts';
import { getJson } from '../harness/client.ts';
import { settledWorkers } from '../harness/observe.ts';
import { docs, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

/** Each request's length, and how many `timeout`s the worker is kept busy. */
const REQUEST_MS = 50;
const BUSY_TIMEOUTS = 2.5;

export const heartbeatWhileBusy: SpecCase = {
  id: 'lifecycle.heartbeat-while-busy',
  level: 'MUST',
  requirement:
    `A worker kept busy by back-to-back short requests (${REQUEST_MS} ms, with more always waiting) for ${BUSY_TIMEOUTS} x \`timeout\` keeps heartbeating between them: it is not killed, and it answers every request.`,
  refs: [
    docs('gunicorn', 'settings#timeout', 'for the non-sync workers it means the worker process is still communicating, not the length of a request'),
    gunicornCode('workers/sync.py', 'run_for_one()', 'notify() before every accept(); gthread.py and ggevent.py beat from their main loops'),
  ],
  needs: ['heartbeat'],
  server: { workers: 1, timeout: 2 },
  async run(t) {
    const server = await t.start();
    requireGiven(server, { workers: 1 });
    const { timeout } = server.config; // a target may raise it to its minimum (manifest settings)
    const [worker] = await settledWorkers(server, 1);
    // Six clients in a loop over short requests: five connections always wait while one is
    // served, so a sync worker never finds its backlog empty (never idle) for the whole window.
    const until = Date.now() + BUSY_TIMEOUTS * timeout * 1000;
    const answered = new Set<number>();
    let served = 0;
    const client = async () => {
      while (Date.now() < until) {
        answered.add((await getJson<{ pid: number }>(server, `/sleep?ms=${REQUEST_MS}`, {}, { timeoutMs: 5000 })).pid);
        served++;
      }
    };
    await Promise.all(Array.from({ length: 6 }, client));
    t.evidence('requests', served);
    check(answered.size === 1 && answered.has(worker), `worker ${worker} was replaced under load: answers came from ${[...answered]}`);
    check(await server.alive(worker), `worker ${worker} was killed under load`);
  },
};
