// The servers a driver started and has not yet stopped. Once disposed (end of a group, or an
// interrupted run), a server that finishes starting afterwards is stopped at once, not leaked.
import { HarnessError, type Server } from '../../spec/harness/types.ts';

export class ServerSet<S extends Server> {
  private readonly servers = new Set<S>();
  private disposed = false;

  /** Keeps `server`; if the driver was disposed meanwhile, stops it and throws. */
  async add(server: S): Promise<S> {
    if (this.disposed) {
      await server.stop().catch(() => undefined);
      throw new HarnessError('the run is stopping: the server was stopped as soon as it started');
    }
    this.servers.add(server);
    return server;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.all([...this.servers].map((s) => s.stop().catch(() => undefined)));
    this.servers.clear();
  }
}
