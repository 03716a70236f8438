// Observations of the process tree that many cases share.
import { eventually } from './eventually.ts';
import type { Server } from './types.ts';

/** Waits until exactly `n` workers are alive; returns their pids (oldest first). */
export async function settledWorkers(server: Server, n: number, within = 5000): Promise<number[]> {
  return eventually(
    async (): Promise<number[] | undefined> => {
      const pids = await server.workers();
      return pids.length === n ? pids : undefined;
    },
    { within, what: `exactly ${n} live worker(s)` },
  );
}

/** Waits until `pid` no longer runs; returns the ms it took from `since`. */
export async function goneAfter(server: Server, pid: number, since: number, within: number, what = `process ${pid} to exit`): Promise<number> {
  await eventually(async () => !(await server.alive(pid)), { within, every: 10, what });
  return Date.now() - since;
}

/** Waits until every pid in `pids` is gone; returns the ms from `since` until the last went. */
export async function allGoneAfter(server: Server, pids: number[], since: number, within: number, what: string): Promise<number> {
  await eventually(async () => (await Promise.all(pids.map((p) => server.alive(p)))).every((a) => !a), {
    within,
    every: 10,
    what,
  });
  return Date.now() - since;
}
