// gthread: the app runs on a pool of `threads` worker_threads (see thread-pool.ts); the main
// thread accepts, parses, keeps keep-alive connections and heartbeats every second, so long or
// CPU-bound requests never time the worker out, draining included (unlike gunicorn #1493).
// It accepts while fewer than `threads` connections are busy (idle keep-alive ones do not count)
// and it holds fewer than worker_connections: no connection waits on a worker that has no free
// thread while another worker idles (unlike gunicorn #908).
import { AsyncWorker } from './async.ts';

export class GthreadWorker extends AsyncWorker {
  protected override hasCapacity(): boolean {
    const { threads, workerConnections } = this.boot.settings;
    return this.busyConnections() < threads && this.connections.size < workerConnections;
  }
}
