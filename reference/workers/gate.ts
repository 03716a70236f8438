// Accepting only with capacity: a worker listens on its own dup() of the shared socket while it
// can take connections and closes that copy when full, so waiting connections stay in the kernel
// backlog for idle workers (libuv would otherwise accept everything pending).
import net from 'node:net';
import { dup } from '../libc.ts';

export class AcceptGate {
  private server?: net.Server;

  constructor(
    private readonly fd: number,
    private readonly backlog: number,
    private readonly onConnection: (socket: net.Socket) => void,
  ) {}

  get isOpen(): boolean {
    return this.server !== undefined;
  }

  open(): void {
    if (this.server) return;
    const server = net.createServer({ noDelay: true }, this.onConnection);
    server.on('error', () => undefined);
    // The backlog is passed again because listen() on the copy re-applies it to the socket.
    server.listen({ fd: dup(this.fd), backlog: this.backlog });
    this.server = server;
  }

  close(): void {
    this.server?.close();
    this.server = undefined;
  }
}
