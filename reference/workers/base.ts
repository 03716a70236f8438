// What every worker class shares: heartbeat, accept gates, signals, max_requests, shutdown.
import fs from 'node:fs';
import type net from 'node:net';
import { END_OF_MESSAGE, READY, type WorkerBoot } from '../boot-contract.ts';
import type { ServerAddress } from '../gateway/environ.ts';
import type { Handler } from '../gateway/types.ts';
import { AccessLog } from '../http/access-log.ts';
import { createHttpServer, refuseVersionlessLine } from '../http/server.ts';
import { log } from '../log.ts';
import { secureContextOf, wrapTls } from '../tls.ts';
import { AcceptGate } from './gate.ts';
import { heartbeatEvery, notify } from './heartbeat.ts';

/** What a worker keeps for each connection it took, from accept to close. */
interface Held {
  readonly listener: ServerAddress;
  /** A request in progress or not yet read: not an idle keep-alive connection. */
  busy: boolean;
  /** Responses begun and not finished (a next request can begin before the last one's 'finish'). */
  inFlight: number;
  idleTimer?: NodeJS.Timeout;
}

export abstract class Worker {
  protected readonly connections = new Set<net.Socket>();
  /**
   * One record per connection, set once: a Map of busy sockets that gained and lost an entry per
   * request reallocated its table so often that it was the largest source of promoted garbage.
   */
  private readonly held = new WeakMap<net.Socket, Held>();
  private busyCount = 0;
  protected alive = true;
  private draining = false;
  private served = 0;
  private readonly maxRequests: number;
  private readonly accessLog?: AccessLog;
  private readonly gates: AcceptGate[];
  /** The listener takeWaiting() tries first, in turn, so one busy listener cannot starve another. */
  private nextGate = 0;
  private readonly http;
  private readonly secureContext;

  constructor(
    protected readonly boot: WorkerBoot,
    handler: Handler,
    multithread: boolean,
  ) {
    const { settings } = boot;
    this.secureContext = secureContextOf(settings);
    this.maxRequests = settings.maxRequests > 0 ? settings.maxRequests + Math.floor(Math.random() * (settings.maxRequestsJitter + 1)) : Infinity;
    if (settings.accessLogfile) this.accessLog = new AccessLog(settings.accessLogfile);
    this.http = createHttpServer(
      settings,
      handler,
      {
        serverOf: (socket) => this.held.get(socket)?.listener ?? boot.listeners[0],
        multiprocess: settings.workers > 1,
        multithread,
        forwardedAllowIps: settings.forwardedAllowIps,
        software: 'prefork/0.1.0',
      },
      {
        closeEachResponse: this.closeEachResponse(),
        stopping: () => !this.alive,
        onRequest: () => this.requestStarted(),
        accessLog: this.accessLog,
      },
    );
    const track = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
      const socket = req.socket;
      const held = this.held.get(socket)!; // every socket comes through admit()
      held.inFlight++;
      this.markBusy(held, true);
      // A kept-alive connection turning busy takes capacity (gthread counts busy connections).
      this.updateGates();
      res.once('finish', () => {
        // A body the app left unread is discarded so the connection can go on (gunicorn reads it
        // away before the next request). Node does this itself only if nobody began reading it;
        // a reader that stopped midway leaves the socket paused, blind to the client's close.
        if (!req.complete) {
          req.removeAllListeners('data');
          req.resume();
        }
        // Busy until its last response: a next request may have started before this 'finish'.
        if (--held.inFlight === 0) this.markBusy(held, false);
        // A response that ends its connection frees the slot now: Node closes the socket right
        // after (as gunicorn's sync worker closes it and goes back to accept()).
        if (!res.shouldKeepAlive) this.connections.delete(socket);
        this.updateGates();
        // keepalive: an idle connection is closed after this many seconds without a request. One
        // timer per connection, re-armed after each response; it spares a connection that is busy.
        if (!socket.destroyed && res.shouldKeepAlive) {
          if (held.idleTimer) held.idleTimer.refresh();
          else {
            held.idleTimer = setTimeout(() => {
              if (!held.busy) socket.end();
            }, settings.keepalive * 1000);
          }
        }
      });
    };
    // A request with an unknown Expect comes as 'checkExpectation' (server.ts serves it): counted alike.
    this.http.on('request', track);
    this.http.on('checkExpectation', track);
    this.gates = boot.listeners.map((l) => new AcceptGate(l.fd, settings.backlog, (socket) => this.accepted(socket, l)));
  }

  /** Whether the worker can take one more connection now. */
  protected abstract hasCapacity(): boolean;
  protected abstract closeEachResponse(): boolean;

  run(): void {
    // gunicorn's worker says so on its way out, whatever the reason.
    process.on('exit', () => log('info', `Worker exiting (pid: ${process.pid})`));
    process.on('SIGTERM', () => this.stop());
    process.on('SIGQUIT', () => process.exit(0));
    process.on('SIGINT', () => process.exit(0));
    process.on('SIGHUP', () => undefined);
    process.on('SIGUSR1', () => this.accessLog?.reopen());
    this.notify();
    this.updateGates();
    // Serving from now on: the master may retire an old worker in this one's place.
    try {
      fs.writeSync(this.boot.controlFd, `${READY}${END_OF_MESSAGE}`);
    } catch {
      // the master is gone (the parent-death signal follows) or busy: it finds out by the heartbeat
    }
  }

  /** The heartbeat: the master reads this file's mtime. */
  protected notify(): void {
    notify(this.boot.heartbeatFd);
  }

  protected heartbeatEvery(): number {
    return heartbeatEvery(this.boot.settings.timeout);
  }

  protected updateGates(): void {
    if (this.alive && !this.draining && !this.gates.some((gate) => gate.isOpen)) this.takeWaiting();
    const open = this.draining || (this.alive && this.hasCapacity());
    for (const gate of this.gates) {
      if (open) gate.open();
      else gate.close();
    }
  }

  protected busyConnections(): number {
    return this.busyCount;
  }

  private markBusy(held: Held, busy: boolean): void {
    if (held.busy === busy) return;
    held.busy = busy;
    this.busyCount += busy ? 1 : -1;
  }

  /**
   * A worker that was full and has room again takes the connections already waiting straight from
   * the backlog (one accept() each, listeners in turn); its gates open only once none waits. Under
   * load a sync worker so never reopens a listener, which cost more than the rest of a request.
   */
  private takeWaiting(): void {
    for (let missed = 0; missed < this.gates.length && this.hasCapacity(); ) {
      const index = this.nextGate++ % this.gates.length;
      const socket = this.gates[index].takeWaiting();
      if (!socket) {
        missed++;
        continue;
      }
      missed = 0;
      this.admit(socket, this.boot.listeners[index]);
    }
  }

  private accepted(socket: net.Socket, listener: ServerAddress): void {
    this.admit(socket, listener);
    // Synchronously, before libuv accepts the next pending connection.
    this.updateGates();
  }

  /** Told of each connection the worker takes, before it reads a byte of it. */
  protected connectionAdmitted(): void {}

  private admit(raw: net.Socket, listener: ServerAddress): void {
    // Over TLS the connection is the TLS socket: requests, bookkeeping and close all see it.
    const socket = this.secureContext ? wrapTls(raw, this.secureContext) : raw;
    this.connectionAdmitted();
    // Busy until its first response, which has not begun.
    const held: Held = { listener, busy: false, inFlight: 0 };
    this.markBusy(held, true);
    this.held.set(socket, held);
    this.connections.add(socket);
    socket.once('close', () => {
      this.connections.delete(socket);
      this.markBusy(held, false);
      clearTimeout(held.idleTimer);
      this.updateGates();
      if (!this.alive && !this.draining && this.connections.size === 0) process.exit(0);
    });
    this.http.emit('connection', socket);
    refuseVersionlessLine(socket);
  }

  private requestStarted(): void {
    if (++this.served >= this.maxRequests && this.alive) {
      log('info', 'Autorestarting worker after current request.');
      // Retiring, not shutting down: other workers take the backlog, so no drain pass.
      this.stop(false);
    }
  }

  /**
   * Graceful stop. With `drain` (TERM), connections already waiting in the backlog are accepted in one last pass
   * whatever the capacity (gunicorn's sync workers reset them, #2529); then this worker closes
   * every copy of the listening socket it holds, so once all have, new connections are refused.
   * Open connections finish (responses now say Connection: close); graceful_timeout bounds it.
   */
  protected stop(drain = true): void {
    if (!this.alive) return;
    this.alive = false;
    this.draining = drain;
    this.updateGates();
    const finish = () => {
      this.draining = false;
      this.updateGates();
      for (const listener of this.boot.listeners) fs.closeSync(listener.fd);
      // Idle keep-alive connections would hold the exit up to keepalive seconds: nothing is in
      // flight on them (busy ones end after their response, which says Connection: close).
      for (const socket of this.connections) if (!this.held.get(socket)?.busy) socket.destroy();
      if (this.connections.size === 0) process.exit(0);
      setTimeout(() => process.exit(0), this.boot.settings.gracefulTimeout * 1000).unref();
    };
    // The drain pass must include a poll of the reopened listener: the timer alone could fire
    // before it (timers run first in a loop turn that started late, as on a loaded machine), and
    // the backlog got RST. setImmediate runs after the poll phase of the timer's own turn.
    if (drain) setTimeout(() => setImmediate(finish), 20);
    else finish();
  }
}
