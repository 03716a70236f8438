// gthread: the app runs on a pool of `threads` worker_threads (see thread-pool.ts); the main
// thread accepts, parses, keeps keep-alive connections and heartbeats, so long or CPU-bound
// requests never time the worker out, draining included (unlike gunicorn #1493). A request that
// runs longer than the timeout is logged once, with where its thread is (no kill, as gunicorn).
// It accepts while fewer than `threads` connections are busy (idle keep-alive ones do not count)
// and it holds fewer than worker_connections: no connection waits on a worker that has no free
// thread while another worker idles (unlike gunicorn #908).
import type { WorkerBoot } from '../boot-contract.ts';
import type { Handler } from '../gateway/types.ts';
import { log } from '../log.ts';
import { Worker, type WorkerClassKind } from './base.ts';
import { threadPool, type Overdue, type ThreadPool } from './thread-pool.ts';
import { answerStackRequests } from './stack-requests.ts';
import { threadStack } from './thread-stack.ts';

/**
 * A client sends its request head with its connection, or within a round trip: one that has not
 * within this long (slowloris, a browser's preconnect) stops holding a thread's place; it is
 * served once its head comes. (gunicorn's gthread reads heads in its threads: such clients stop it.)
 */
const HEAD_GRACE_MS = 1000;

export class GthreadWorker extends Worker {
  constructor(
    boot: WorkerBoot,
    handler: Handler,
    private readonly pool: ThreadPool | undefined,
  ) {
    super(boot, handler, true);
    pool?.onReceiving(() => this.updateGates());
  }

  protected headGraceMs(): number {
    return HEAD_GRACE_MS;
  }

  /** Busy connections take a thread each, but for requests whose body is still on its way (they hold none yet: a stalled one must not keep others out). */
  protected hasCapacity(): boolean {
    const { threads, workerConnections } = this.boot.settings;
    return this.connections.busy - (this.pool?.receiving() ?? 0) < threads && this.connections.size < workerConnections;
  }
}

/**
 * This worker's pool (one per process), from the moment its first thread starts loading: what a
 * stack answer looks at, and what the worker built on its handler counts capacity with.
 */
let pool: ThreadPool | undefined;

/** Where the pool's busy threads are, for the master's stack question (the main thread is free: it answers). */
async function poolStacks(): Promise<string> {
  const busy = pool?.busyThreads() ?? [];
  if (!busy.length) return '    (its event loop, free; no pool thread is loading the app or running a request)';
  const stacks = await Promise.all(busy.map(async ({ threadId, doing }) => `  thread ${threadId}, ${doing}:\n${await threadStack(threadId)}`));
  return ['    (its event loop, free: gthread runs the app on pool threads, here)', ...stacks].join('\n');
}

async function reportOverdue({ threadId, method, url, runningMs }: Overdue, timeout: number): Promise<void> {
  const stack = await threadStack(threadId);
  log('warning', `Request ${method} ${url} has run for ${(runningMs / 1000).toFixed(1)} s in thread ${threadId}, longer than the timeout (${timeout} s); a gthread worker is not killed for it. The thread is at:\n${stack}`);
}

export const gthread: WorkerClassKind = {
  /**
   * The pool: ready once its first thread has loaded the app. Like the main thread's load in the
   * other classes, that load is not beaten through: a worker that exits meanwhile could not boot
   * (the master halts rather than respawn it), one that takes longer than the timeout is killed.
   */
  async handler(_load, boot: WorkerBoot, reportSources): Promise<Handler> {
    const { timeout } = boot.settings;
    pool = threadPool(boot.app, boot.settings.threads, { overdueMs: timeout * 1000, onOverdue: (overdue) => void reportOverdue(overdue, timeout) }, reportSources);
    await pool.ready;
    return pool.handler;
  },
  create: (boot, handler) => new GthreadWorker(boot, handler, pool),
  answerStacks: (controlFd) => answerStackRequests(controlFd, poolStacks),
};
