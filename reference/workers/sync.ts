// sync: one connection at a time, Connection: close, and the heartbeat only between requests, so
// `timeout` bounds each request (gunicorn's semantics).
import { Worker, type WorkerClassKind } from './base.ts';

export class SyncWorker extends Worker {
  protected hasCapacity(): boolean {
    return this.connections.size === 0;
  }

  protected override closeEachResponse(): boolean {
    return true;
  }

  // Between two connections the worker is alive by definition: it beats there, as gunicorn's
  // sync worker notifies before every accept(). Beating only when idle would let a worker kept
  // busy by back-to-back requests look stuck and be killed. The request then has `timeout`.
  protected override connectionAdmitted(): void {
    this.notify();
  }

  // A stalled body is one more way a request outlives `timeout`: the master ends the worker for
  // it, as gunicorn's. A 408 of its own at the same moment would race that kill, and the worker
  // could die holding the next connection it took.
  protected override bodyStallMs(): number {
    return 0;
  }

  // While idle, the timer beats too; during a request it must not (the request has `timeout`).
  protected override beatsNow(): boolean {
    return this.connections.size === 0;
  }
}

export const sync: WorkerClassKind = {
  handler: (load) => load(),
  create: (boot, handler) => new SyncWorker(boot, handler, false),
};
