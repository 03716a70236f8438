// sync: one connection at a time, Connection: close, and the heartbeat only between requests, so
// `timeout` bounds each request (gunicorn's semantics).
import { Worker } from './base.ts';

export class SyncWorker extends Worker {
  protected hasCapacity(): boolean {
    return this.connections.size === 0;
  }

  protected closeEachResponse(): boolean {
    return true;
  }

  override run(): void {
    super.run();
    setInterval(() => {
      if (this.connections.size === 0) this.notify();
    }, this.heartbeatEvery());
  }
}
