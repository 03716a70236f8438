// gthread: the app runs on a pool of `threads` worker_threads (see thread-pool.ts); the main
// thread accepts, parses, keeps keep-alive connections and heartbeats, so long or CPU-bound
// requests never time the worker out, draining included (unlike gunicorn #1493).
// It accepts while fewer than `threads` connections are busy (idle keep-alive ones do not count)
// and it holds fewer than worker_connections: no connection waits on a worker that has no free
// thread while another worker idles (unlike gunicorn #908).
import type { WorkerBoot } from '../boot-contract.ts';
import type { Handler } from '../gateway/types.ts';
import { Worker, type WorkerClassKind } from './base.ts';
import { heartbeatEvery, notify } from './heartbeat.ts';
import { threadPool } from './thread-pool.ts';

export class GthreadWorker extends Worker {
  protected hasCapacity(): boolean {
    const { threads, workerConnections } = this.boot.settings;
    return this.connections.busy < threads && this.connections.size < workerConnections;
  }
}

export const gthread: WorkerClassKind = {
  /** The pool: every thread loads the app; meanwhile this (idle) thread beats, so a slow pool start is not taken for a stuck worker. */
  async handler(_app: Handler, boot: WorkerBoot): Promise<Handler> {
    notify(boot.heartbeatFd);
    const beating = setInterval(() => notify(boot.heartbeatFd), heartbeatEvery(boot.settings.timeout));
    try {
      const pool = threadPool(boot.app, boot.settings.threads);
      await pool.ready;
      return pool.handler;
    } finally {
      clearInterval(beating);
    }
  },
  create: (boot, handler) => new GthreadWorker(boot, handler, true),
};
