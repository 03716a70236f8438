// The connections a worker holds, from accept to close: which listener took each, whether it is
// busy (a request read or being read, or a response not finished) or an idle keep-alive one, and
// the keep-alive timer that closes it after `keepalive` seconds without a request. With a head
// grace, a new connection whose first request head has not come within it stops counting as busy
// (it is parked), and so does one whose head came in part: a client that never finishes its head
// cannot hold the worker's capacity. Once the worker has ended its side (an error answer, an idle
// close), the connection is released at once and closed after a short linger, whether or not the
// client closes its side.
import type net from 'node:net';
import type { ServerAddress } from '../gateway/environ.ts';

/** What the book keeps per connection. */
interface Held {
  readonly listener: ServerAddress;
  /** A request in progress or not yet read: not an idle keep-alive connection. */
  busy: boolean;
  /** Responses begun and not finished (a next request can begin before the last one's 'finish'). */
  inFlight: number;
  idleTimer?: NodeJS.Timeout;
  headTimer?: NodeJS.Timeout;
  /** When its last response ended (idle since then, unless busy). */
  idleSince?: number;
}

/**
 * After the worker ended its side, the connection is still read (and what comes discarded) for
 * this long before it is closed: closing with unread bytes would reset it, and a reset can destroy
 * the answer before the client reads it (RFC 9112 9.6). A client that closes its side ends it sooner.
 */
export const LINGER_MS = 2000;

/**
 * How often a new connection without a complete head is looked at: once bytes of it were read and
 * the head is still not complete, it is a slow client's (clients write a head at once; it comes in
 * one read). This, not the grace, sets how fast a queue of slow clients is worked through:
 * `threads` connections per this long.
 */
export const PARTIAL_HEAD_MS = 10;

export interface HeadGrace {
  ms: number;
  /** A connection was parked: capacity was freed. */
  onPark(): void;
}

export class ConnectionBook {
  private readonly open = new Set<net.Socket>();
  /**
   * One record per connection, set once: a Map of busy sockets that gained and lost an entry per
   * request reallocated its table so often that it was the largest source of promoted garbage.
   */
  private readonly held = new WeakMap<net.Socket, Held>();
  private busyCount = 0;

  constructor(
    private readonly keepaliveMs: number,
    private readonly headGrace?: HeadGrace,
  ) {}

  /** Connections held (a connection whose last response closes it leaves at that response). */
  get size(): number {
    return this.open.size;
  }

  /** Connections with a request in progress or not yet read. */
  get busy(): number {
    return this.busyCount;
  }

  listenerOf(socket: net.Socket): ServerAddress | undefined {
    return this.held.get(socket)?.listener;
  }

  /** A new connection: busy until its first response, which has not begun. `closed` runs once it closes. */
  admit(socket: net.Socket, listener: ServerAddress, closed: () => void): void {
    const held: Held = { listener, busy: false, inFlight: 0 };
    this.mark(held, true);
    this.held.set(socket, held);
    this.open.add(socket);
    const grace = this.headGrace;
    if (grace) {
      const park = () => {
        if (held.inFlight > 0 || !held.busy) return;
        this.mark(held, false);
        grace.onPark();
      };
      // A client sends its head in one piece: read in part, it is a slow client's (parked at the
      // next look); not read at all yet, it may still be on its way: looked at again until the grace.
      const until = Date.now() + grace.ms;
      held.headTimer = setTimeout(() => {
        if (socket.bytesRead > 0 || Date.now() >= until) park();
        else held.headTimer?.refresh();
      }, PARTIAL_HEAD_MS);
    }
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.open.delete(socket);
      this.mark(held, false);
      clearTimeout(held.idleTimer);
      clearTimeout(held.headTimer);
      closed();
    };
    socket.once('close', release);
    // Our side is ended: nothing more can be answered on it, so it holds no capacity, and a client
    // that keeps its side open does not keep the connection (a sync worker blocked on one before).
    socket.once('finish', () => {
      release();
      // A response that closes its connection has Node destroy the socket right after this
      // (destroySoon): no timer, and no socket kept alive by one, for the usual case.
      process.nextTick(() => {
        if (socket.destroyed) return;
        const linger = setTimeout(() => socket.destroy(), LINGER_MS).unref();
        socket.once('close', () => clearTimeout(linger));
      });
    });
  }

  requestBegan(socket: net.Socket): void {
    const held = this.held.get(socket)!; // every socket comes through admit()
    if (held.headTimer) {
      clearTimeout(held.headTimer);
      held.headTimer = undefined;
    }
    held.inFlight++;
    this.mark(held, true);
  }

  /**
   * A response finished. Busy until its last response (a next request may have begun); one that
   * ends its connection frees the slot now (Node closes the socket right after, as gunicorn's sync
   * worker closes it and goes back to accept()); a kept one is closed after `keepalive` idle
   * seconds, by one timer per connection re-armed after each response, sparing a busy one.
   */
  responseEnded(socket: net.Socket, keepAlive: boolean): void {
    const held = this.held.get(socket)!;
    if (--held.inFlight === 0) {
      this.mark(held, false);
      held.idleSince = Date.now();
    }
    if (!keepAlive) this.open.delete(socket);
    if (socket.destroyed || !keepAlive) return;
    if (held.idleTimer) held.idleTimer.refresh();
    else {
      held.idleTimer = setTimeout(() => {
        if (!held.busy) socket.end();
      }, this.keepaliveMs);
    }
  }

  /**
   * On a stop: idle keep-alive connections are closed, but only once idle for `graceMs`: a client
   * that just had an answer may be sending its next request as we close (it would be lost); in the
   * grace it is answered instead, with Connection: close.
   */
  closeIdle(graceMs: number): void {
    const now = Date.now();
    for (const socket of this.open) {
      const held = this.held.get(socket);
      if (!held || held.busy) continue;
      const wait = graceMs - (now - (held.idleSince ?? 0));
      if (wait <= 0) socket.end();
      else {
        clearTimeout(held.idleTimer);
        held.idleTimer = setTimeout(() => {
          if (!held.busy) socket.end();
        }, wait);
      }
    }
  }

  private mark(held: Held, busy: boolean): void {
    if (held.busy === busy) return;
    held.busy = busy;
    this.busyCount += busy ? 1 : -1;
  }
}
