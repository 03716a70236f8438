// async: the app runs on the worker's event loop, up to worker_connections connections at once.
// The heartbeat is the base's timer: a loop blocked past `timeout` stops it and the master kills
// the worker.
import { Worker, type WorkerClassKind } from './base.ts';

export class AsyncWorker extends Worker {
  protected hasCapacity(): boolean {
    return this.connections.size < this.boot.settings.workerConnections;
  }
}

export const async: WorkerClassKind = {
  handler: (load) => load(),
  create: (boot, handler) => new AsyncWorker(boot, handler, true),
};
