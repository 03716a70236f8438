// Accepting only with capacity: a worker listens on its own dup() of the shared socket while it
// can take connections and closes that copy when full, so waiting connections stay in the kernel
// backlog for idle workers (libuv would otherwise accept everything pending). A closed gate can
// still hand over one waiting connection at a time (takeWaiting): a sync worker that closes its
// gate for every connection would otherwise pay a listener's setup and teardown per request.
import net from 'node:net';
import { acceptOne, dup, OutOfDescriptors } from '../libc.ts';

export class AcceptGate {
  private server?: net.Server;
  /** Opened once: libuv has then made the (shared) listening socket non-blocking. */
  private primed = false;

  constructor(
    private readonly fd: number,
    private readonly backlog: number,
    private readonly onConnection: (socket: net.Socket) => void,
    /** Told when the process has no descriptor for a copy or a connection: the gate stays closed. */
    private readonly onOutOfDescriptors: (error: Error) => void,
  ) {}

  get isOpen(): boolean {
    return this.server !== undefined;
  }

  open(): void {
    if (this.server) return;
    // allowHalfOpen: a client's FIN after its request must not close our side before the answer.
    const copy = this.unlessOut(() => dup(this.fd));
    if (copy === undefined) return;
    const server = net.createServer({ noDelay: true, allowHalfOpen: true }, this.onConnection);
    // libuv meets EMFILE on accept by accepting and closing what waits, for ever: the gate closes
    // instead, and the connections wait for a worker that has room.
    server.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EMFILE' || error.code === 'ENFILE') this.onOutOfDescriptors(error);
    });
    // The backlog is passed again because listen() on the copy re-applies it to the socket; as an
    // argument, since for an fd Node reads no options.backlog and applied its default, 511, to the
    // shared socket (ss -ltn showed 511 whatever --backlog said).
    server.listen({ fd: copy }, this.backlog);
    this.server = server;
    this.primed = true;
  }

  close(): void {
    this.server?.close();
    this.server = undefined;
  }

  /** What `call` gives, or undefined (and the worker told) when the process has no descriptor for it. */
  private unlessOut<T>(call: () => T): T | undefined {
    try {
      return call();
    } catch (error) {
      if (!(error instanceof OutOfDescriptors)) throw error;
      this.onOutOfDescriptors(error);
      return undefined;
    }
  }

  /** A connection waiting in the backlog, taken while the gate is closed; undefined if none waits. */
  takeWaiting(): net.Socket | undefined {
    if (this.server || !this.primed) return undefined;
    const fd = this.unlessOut(() => acceptOne(this.fd));
    if (fd === undefined || fd < 0) return undefined;
    const socket = new net.Socket({ fd, readable: true, writable: true, allowHalfOpen: true });
    socket.setNoDelay(true);
    return socket;
  }
}
