import { check } from '../../harness/assert.ts';
import { requireGiven } from '../../harness/case.ts';
import { getJson } from '../../harness/client.ts';
import { settledWorkers } from '../../harness/observe.ts';
import { gunicornCode } from '../../harness/refs.ts';
import type { SpecCase } from '../../harness/case.ts';

export const gthreadLongRequest: SpecCase = {
  id: 'lifecycle.gthread-long-request',
  level: 'MUST',
  requirement: 'A gthread request longer than `timeout`, blocking or CPU-bound, completes with 200: the worker keeps its heartbeat.',
  refs: [gunicornCode('workers/gthread.py', undefined, 'the main thread notifies while pool threads run the app')],
  profile: 'gunicorn',
  classes: ['gthread'],
  needs: ['heartbeat'],
  server: { workers: 1, threads: 2, timeout: 2 },
  async run(t) {
    const server = await t.start();
    requireGiven(server, { workers: 1 });
    const { timeout } = server.config; // a target may raise it to its minimum (manifest settings)
    const [worker] = await settledWorkers(server, 1);
    // 3 x timeout (6 s): past a heartbeat kill's SIGABRT and its SIGKILL a second later.
    const long = timeout * 3000;
    const [slept, spun] = await Promise.all([
      getJson<{ pid: number }>(server, `/sleep?ms=${long}`, {}, { timeoutMs: long + 9000 }),
      getJson<{ pid: number }>(server, `/busy?ms=${long}`, {}, { timeoutMs: long + 9000 }),
    ]);
    check(slept.pid === worker && spun.pid === worker, 'the long requests were not both served by the original worker');
    // A worker aborted meanwhile may still finish its threads' work, then exit: it must serve on.
    const after = await getJson<{ pid: number }>(server, '/pid');
    check(after.pid === worker && (await server.alive(worker)), `worker ${worker} did not survive the long requests`);
  },
};
