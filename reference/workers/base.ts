// The worker base: the lifecycle every class keeps, as gunicorn's workers/base.py. The contract:
//
//   run()         installs the signals, beats once, opens the gates and tells the master READY
//                 (boot-contract.ts): from then on the worker serves.
//   heartbeat     notify() touches the heartbeat file; a timer beats every timeout/4 (at most
//                 1 s) while beatsNow() says so (sync: only between requests, and at each
//                 connection it takes). A worker silent for `timeout` is killed by the master.
//   capacity      hasCapacity(): whether the class takes one more connection now. The gates
//                 (accept-gates.ts) are open exactly while it does, so connections it cannot
//                 serve wait in the backlog for another worker.
//   max_requests  after max_requests (+ jitter) requests the worker stops accepting and leaves
//                 once its last response is sent; the master replaces it.
//   stop          TERM: graceful (the backlog drained, open connections finish within
//                 graceful_timeout, responses say Connection: close); QUIT and INT: at once.
//
// A class says how many connections it takes at once (hasCapacity), and may close each response
// (closeEachResponse) or beat only when idle (beatsNow); what runs its requests is the handler
// its WorkerClassKind gives (the app itself, or a thread pool). Connections are kept by the book
// (connections.ts).
import fs from 'node:fs';
import type http from 'node:http';
import type net from 'node:net';
import { END_OF_MESSAGE, READY, type WorkerBoot } from '../boot-contract.ts';
import type { ServerAddress } from '../gateway/environ.ts';
import type { Handler } from '../gateway/types.ts';
import { AccessLog } from '../http/access-log.ts';
import { watchRequestLines } from '../http/request-lines.ts';
import { createHttpServer } from '../http/server.ts';
import { log } from '../log.ts';
import { secureContextOf, wrapTls } from '../tls.ts';
import { AcceptGates } from './accept-gates.ts';
import { ConnectionBook } from './connections.ts';
import { heartbeatEvery, notify } from './heartbeat.ts';

/** A worker class, as the registry (classes.ts) holds it. */
export interface WorkerClassKind {
  /** What requests go to, from the app loaded on the worker's main thread: the app, or a pool. */
  handler(app: Handler, boot: WorkerBoot): Promise<Handler>;
  create(boot: WorkerBoot, handler: Handler): Worker;
}

export abstract class Worker {
  protected readonly connections: ConnectionBook;
  protected alive = true;
  private draining = false;
  private served = 0;
  private readonly maxRequests: number;
  private readonly accessLog?: AccessLog;
  private readonly gates: AcceptGates;
  private readonly http: http.Server;
  private readonly secureContext;

  constructor(
    protected readonly boot: WorkerBoot,
    handler: Handler,
    /** wsgi.multithread: requests of this worker may run at the same time. */
    multithread: boolean,
  ) {
    const { settings } = boot;
    this.secureContext = secureContextOf(settings);
    const headGraceMs = this.headGraceMs();
    this.connections = new ConnectionBook(settings.keepalive * 1000, headGraceMs === undefined ? undefined : { ms: headGraceMs, onPark: () => this.updateGates() });
    this.maxRequests = settings.maxRequests > 0 ? settings.maxRequests + Math.floor(Math.random() * (settings.maxRequestsJitter + 1)) : Infinity;
    if (settings.accessLogfile) this.accessLog = new AccessLog(settings.accessLogfile);
    this.http = createHttpServer(
      settings,
      handler,
      {
        serverOf: (socket) => this.connections.listenerOf(socket) ?? boot.listeners[0],
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
    // A request with an unknown Expect comes as 'checkExpectation' (server.ts serves it): counted alike.
    this.http.on('request', this.track);
    this.http.on('checkExpectation', this.track);
    this.gates = new AcceptGates(boot.listeners, settings.backlog, (socket, listener, byGate) => {
      this.admit(socket, listener);
      // Synchronously, before libuv accepts the next pending connection.
      if (byGate) this.updateGates();
    });
  }

  /** Whether the worker can take one more connection now. */
  protected abstract hasCapacity(): boolean;

  /** Whether every response closes its connection (sync: one connection at a time). */
  protected closeEachResponse(): boolean {
    return false;
  }

  /**
   * How long a new connection counts against capacity before its first request head is read
   * (connections.ts); undefined: until it is read, however long that takes.
   */
  protected headGraceMs(): number | undefined {
    return undefined;
  }

  /** Whether the heartbeat timer beats now: always, unless the class beats elsewhere too. */
  protected beatsNow(): boolean {
    return true;
  }

  run(): void {
    // gunicorn's worker says so on its way out, whatever the reason.
    process.on('exit', () => log('info', `Worker exiting (pid: ${process.pid})`));
    process.on('SIGTERM', () => this.stop());
    process.on('SIGQUIT', () => process.exit(0));
    process.on('SIGINT', () => process.exit(0));
    process.on('SIGHUP', () => undefined);
    process.on('SIGUSR1', () => this.accessLog?.reopen());
    this.notify();
    setInterval(() => {
      if (this.beatsNow()) this.notify();
    }, heartbeatEvery(this.boot.settings.timeout));
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

  /** Told of each connection the worker takes, before it reads a byte of it. */
  protected connectionAdmitted(): void {}

  protected updateGates(): void {
    this.gates.update({
      mayTake: this.alive && !this.draining,
      hasCapacity: () => this.hasCapacity(),
      open: () => this.draining || (this.alive && this.hasCapacity()),
    });
  }

  private admit(raw: net.Socket, listener: ServerAddress): void {
    // Over TLS the connection is the TLS socket: requests, bookkeeping and close all see it.
    const socket = this.secureContext ? wrapTls(raw, this.secureContext) : raw;
    this.connectionAdmitted();
    this.connections.admit(socket, listener, () => {
      this.updateGates();
      if (!this.alive && !this.draining && this.connections.size === 0) process.exit(0);
    });
    this.http.emit('connection', socket);
    watchRequestLines(this.http, socket);
  }

  private readonly track = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const socket = req.socket;
    this.connections.requestBegan(socket);
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
      this.connections.responseEnded(socket, res.shouldKeepAlive);
      this.updateGates();
    });
  };

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
      this.connections.closeIdle();
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
