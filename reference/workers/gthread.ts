// gthread, first step: requests run on the event loop with at most min(threads,
// worker_connections) connections at once, which gives gunicorn's capacity. Still missing: the
// worker_threads pool that keeps the heartbeat going during CPU-bound requests, and queueing of
// connections beyond `threads` (gunicorn accepts up to worker_connections).
import { AsyncWorker } from './async.ts';

export class GthreadWorker extends AsyncWorker {
  protected override hasCapacity(): boolean {
    const { threads, workerConnections } = this.boot.settings;
    return this.connections.size < Math.min(threads, workerConnections);
  }
}
