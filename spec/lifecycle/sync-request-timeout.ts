import { check, checkTiming } from '../harness/assert.ts';
import { requireGiven } from '../harness/case.ts';
import { send } from '../harness/client.ts';
import { eventually } from '../harness/eventually.ts';
import { settledWorkers, workerWords } from '../harness/observe.ts';
import { docs, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';
import { REQUEST_CUT_SLACK_S } from './support.ts';

export const syncRequestTimeout: SpecCase = {
  id: 'lifecycle.sync-request-timeout',
  level: 'MUST',
  requirement: (c) => `A sync request that blocks longer than \`timeout\` ends (EOF, reset or a 5xx) within timeout + ${REQUEST_CUT_SLACK_S} s (timeout ${c.timeout}: ${c.timeout + REQUEST_CUT_SLACK_S} s), and its worker is replaced.`,
  refs: [
    docs('gunicorn', 'settings#timeout', 'the repercussions for sync workers: a request longer than timeout is killed'),
    docs('uwsgi', 'Options#harakiri'),
    gunicornCode('workers/sync.py', undefined, 'no heartbeat while the app runs, so murder_workers() kills it'),
  ],
  classes: ['sync'],
  needs: ['request-timeout'],
  server: { workers: 1, timeout: 2 },
  async run(t) {
    const server = await t.start();
    requireGiven(server, { workers: 1 });
    const { timeout } = server.config; // a target may raise it to its minimum (manifest settings)
    const [worker] = await settledWorkers(server, 1);
    const sentAt = Date.now();
    const connection = await send(server, { target: '/sleep?ms=8000' });
    const outcome = await connection
      .readResponse({ timeoutMs: (timeout + REQUEST_CUT_SLACK_S) * 1000 })
      .then((r) => `status ${r.status}`)
      .catch((e: Error) => e.message);
    const endedAfter = Date.now() - sentAt;
    t.evidence('ended', { outcome, endedAfter });
    check(!outcome.startsWith('status 2'), `the request completed normally (${outcome}) instead of being cut`);
    check(!outcome.includes('timed out'), `the request was still running after ${endedAfter} ms`);
    checkTiming(endedAfter, timeout * 1000 - 200, (timeout + REQUEST_CUT_SLACK_S) * 1000, 'ms until the request ended');
    await eventually(async () => !(await server.workers()).includes(worker) && (await server.workers()).length === 1, {
      within: 3000,
      what: `worker ${worker} replaced`,
      seen: async () => workerWords(await server.workers()),
    });
  },
};
