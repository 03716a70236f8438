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
    const every = Math.max(200, Math.min(1000, (this.boot.settings.timeout * 1000) / 2 || 1000));
    setInterval(() => {
      if (this.connections.size === 0) this.notify();
    }, every);
  }
}
