// Observations of the process tree that many cases share.
import { check } from './assert.ts';
import { requireGiven } from './case.ts';
import { getJson } from './client.ts';
import { eventually } from './eventually.ts';
import { UnmetPremise } from './fault.ts';
import type { Server } from './types.ts';

// Compiled once: readiness reads the logs every 25 ms (matchAll works on a copy of each).
const PROBE_LINES = {
  loaded: /conform-probe: loaded pid=(\d+)/g,
  loading: /conform-probe: loading pid=(\d+)/g,
};

/**
 * Pids that printed one of the probe's lines (PROTOCOL.md, "Loaded line"): `loaded` once the app
 * is loaded, `loading` before a slowed-down load begins. Not anchored to a line: output of several
 * processes sharing a pipe may interleave.
 */
export function probeLinePids(logs: string, line: keyof typeof PROBE_LINES): Set<number> {
  return new Set([...logs.matchAll(PROBE_LINES[line])].map((m) => Number(m[1])));
}

/**
 * For a case that slows the app's load down (CONFORM_PROBE_IMPORT_DELAY_MS) to watch workers that
 * are still loading: throws UnmetPremise once the probe says the master is the process loading it.
 * A preloading server (gunicorn --preload, Unicorn's and Puma's preload_app, uWSGI without
 * --lazy-apps) loads the app once, before it forks: no worker ever loads it, and that is the
 * server's documented choice, not a fault.
 */
export function requireWorkersLoadTheApp(server: Pick<Server, 'logs' | 'masterPid' | 'startedPid'>): void {
  const loaders = probeLinePids(server.logs(), 'loading');
  if ([server.masterPid, server.startedPid].some((pid) => loaders.has(pid))) {
    // No pid in the words: the summary folds unsupported results by their reason.
    throw new UnmetPremise('the master loads the app before it forks (a preloading server): no worker loads it, so the case has nothing to watch');
  }
}

/** Waits until exactly `n` workers are alive; returns their pids (oldest first). */
export async function settledWorkers(server: Server, n: number, within = 5000): Promise<number[]> {
  let last: number[] = [];
  return eventually(
    async (): Promise<number[] | undefined> => {
      last = await server.workers();
      return last.length === n ? last : undefined;
    },
    { within, what: `exactly ${n} live worker(s)`, seen: () => workerWords(last) },
  );
}

/**
 * The one worker of a single-worker server, once it has answered a request: it then serves, so it
 * has sent a heartbeat, and beats again at least every timeout/2 while idle. Before its first beat
 * a worker's clock runs from its spawn, its app loading included, so a worker stopped just after
 * it loaded could be killed sooner after the stop than a heartbeat bound allows, by no fault of
 * the server (seen once in CI: a stop 1.2 s after a slow boot, killed 0.8 s later at timeout 2).
 */
export async function servingWorker(server: Server): Promise<number> {
  requireGiven(server, { workers: 1 });
  const [worker] = await settledWorkers(server, 1);
  const { pid } = await getJson<{ pid: number }>(server, '/pid');
  check(pid === worker, `worker ${worker} was replaced by ${pid} before the case began`);
  return worker;
}

/** Waits until a worker other than `pid` runs: the one that took its place. */
export async function workerInPlaceOf(server: Server, pid: number, within: number): Promise<void> {
  await eventually(async () => (await server.workers()).some((other) => other !== pid), {
    within,
    what: `a worker in place of ${pid}`,
    seen: async () => `${workerWords(await server.workers())}; ${exitWords(server)}`,
  });
}

/** Waits until `pid` no longer runs; returns the ms it took from `since`. */
export async function goneAfter(server: Server, pid: number, since: number, within: number, what = `process ${pid} to exit`): Promise<number> {
  await eventually(async () => !(await server.alive(pid)), { within, every: 10, what, seen: () => `process ${pid} still running` });
  return Date.now() - since;
}

/** Waits until every pid in `pids` is gone; returns the ms from `since` until the last went. */
export async function allGoneAfter(server: Server, pids: number[], since: number, within: number, what: string): Promise<number> {
  let running: number[] = pids;
  await eventually(
    async () => {
      const alive = await Promise.all(pids.map((p) => server.alive(p)));
      running = pids.filter((_, i) => alive[i]);
      return running.length === 0;
    },
    { within, every: 10, what, seen: () => `still running: ${running.join(', ')}` },
  );
  return Date.now() - since;
}

/** A list of workers in words, for failure messages: "3 worker(s): 101, 102, 103". */
export function workerWords(pids: readonly number[]): string {
  return `${pids.length} worker(s)${pids.length ? `: ${pids.join(', ')}` : ''}`;
}

/** Whether the master still runs, in words: "0 worker(s)" means something else once it is gone. */
export async function masterWords(server: Server): Promise<string> {
  return `master ${server.masterPid} ${(await server.alive(server.masterPid)) ? 'running' : 'gone'}`;
}

/**
 * The process whose exit status the driver has, in words: the master, or the launcher that
 * started it. The master's words stay as they always were: expectations match them ("seen").
 */
function startedWords(server: Pick<Server, 'startedIsMaster' | 'startedPid'>): string {
  return server.startedIsMaster ? 'the master' : `the started process (pid ${server.startedPid}, which processes.master says is not the master)`;
}

/** The started process's state in words, for failure messages about waiting for it to exit. */
export function exitWords(server: Pick<Server, 'startedIsMaster' | 'startedPid' | 'exitStatus'>): string {
  const status = server.exitStatus();
  if (status) return `${startedWords(server)} exited with ${JSON.stringify(status)}`;
  return server.startedIsMaster ? `the master (pid ${server.startedPid}) is still running` : `${startedWords(server)} is still running`;
}

/** Bytes received so far in words, for failure messages about waiting on a connection. */
export function bytesWords(bytes: Buffer): string {
  const text = bytes.toString('latin1');
  return `${bytes.length} byte(s) received${bytes.length ? `: ${JSON.stringify(text.length > 300 ? `${text.slice(0, 300)}...` : text)}` : ''}`;
}
