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
//   descriptors   nearly out of them (an accepted connection's descriptor near the limit: lower
//                 ones are all taken; or, near it, the lowest free one when a connection ends),
//                 or out (EMFILE), the worker stops accepting before libuv
//                 would accept and close what waits; connections wait for another worker. It
//                 says so once, tries again as connections close and at each beat, and leaves
//                 in order if it keeps running out for `timeout`: the master replaces it.
//
// A class says how many connections it takes at once (hasCapacity), and may close each response
// (closeEachResponse) or beat only when idle (beatsNow); what runs its requests is the handler
// its WorkerClassKind gives (the app itself, or a thread pool). Connections are kept by the book
// (connections.ts).
import fs from 'node:fs';
import type http from 'node:http';
import type net from 'node:net';
import { READY, tellMaster, type WorkerBoot } from '../boot-contract.ts';
import type { ServerAddress } from '../gateway/environ.ts';
import type { Handler } from '../gateway/types.ts';
import { AccessLog } from '../http/access-log.ts';
import { watchRequestLines } from '../http/request-lines.ts';
import { createHttpServer } from '../http/server.ts';
import { log, reopenLogFile } from '../log.ts';
import { statsdOf } from '../metrics.ts';
import { secureContextOf, wrapTls } from '../tls.ts';
import { AcceptGates } from './accept-gates.ts';
import { ConnectionBook } from './connections.ts';
import { heartbeatEvery, notify } from './heartbeat.ts';

/** On a stop, how long a keep-alive connection idle since its last answer is kept for a next request. */
const STOP_IDLE_GRACE_MS = 1000;

/** Descriptors a worker keeps free for its own work (a gate's copy of a listener, the app's files). */
const DESCRIPTOR_HEADROOM = 16;

/** The lowest descriptor an accepted connection may have before the worker stops accepting. */
function descriptorCeiling(): number {
  // /proc/self/limits: "Max open files  SOFT  HARD  files"; Node has no getrlimit().
  const soft = /^Max open files\s+(\d+|unlimited)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'))?.[1];
  return soft === undefined || soft === 'unlimited' ? Infinity : Math.max(Number(soft) - DESCRIPTOR_HEADROOM, 1);
}

/** A worker class, as the registry (classes.ts) holds it. */
export interface WorkerClassKind {
  /**
   * What requests go to: the app, loaded on the worker's main thread by `load`, or a pool of
   * threads that each load it (the main thread then never does: that copy would serve nothing).
   * `load` records the app's files under --reload; a class that loads elsewhere has them recorded
   * there and handed to `reportSources` (app-sources.ts).
   */
  handler(load: () => Promise<Handler>, boot: WorkerBoot, reportSources?: (files: string[]) => void): Promise<Handler>;
  create(boot: WorkerBoot, handler: Handler): Worker;
  /**
   * For a class whose main thread never runs the app: answers the master's stack question on
   * `controlFd` from the main thread (free then), where the app's threads are. Without it, a
   * helper thread pauses the main thread and reads its frames (stack-helper.ts): an isolate
   * more in every worker (~10 MB on Node 20, ~17 on Node 24).
   */
  answerStacks?(controlFd: number): void;
}

/** gunicorn's per-request StatsD metrics when --statsd-host is set. */
function requestMetrics(settings: WorkerBoot['settings']): ((status: number, ms: number) => void) | undefined {
  const statsd = statsdOf(settings);
  if (!statsd) return undefined;
  return (status, ms) => {
    statsd.increment('gunicorn.requests');
    statsd.timing('gunicorn.request.duration', ms);
    statsd.increment(`gunicorn.request.status.${status}`);
  };
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
  /** The gates found no descriptor left: they stay closed until a retry. */
  private outOfDescriptors = false;
  /** When this run of shortages began and when it was last seen (a quiet `timeout` ends it). */
  private shortage?: { since: number; last: number };
  /** An accepted descriptor at or above this leaves too few for the worker to go on accepting. */
  private readonly descriptorCeiling = descriptorCeiling();

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
    if (settings.accessLogfile) this.accessLog = new AccessLog(settings.accessLogfile, settings.accessLogFormat);
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
        bodyStallMs: this.bodyStallMs(),
        onRequest: () => this.requestStarted(),
        accessLog: this.accessLog,
        answered: requestMetrics(settings),
      },
    );
    // A request with an unknown Expect comes as 'checkExpectation' (server.ts serves it): counted alike.
    this.http.on('request', this.track);
    this.http.on('checkExpectation', this.track);
    this.gates = new AcceptGates(
      boot.listeners,
      settings.backlog,
      (socket, listener, byGate) => {
        this.admit(socket, listener);
        // Synchronously, before libuv accepts the next pending connection.
        if (byGate) this.updateGates();
      },
      (error) => this.ranOutOfDescriptors(error.message),
    );
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

  /** How long a request body may stall before its request ends (408): `timeout`, unless the class bounds requests otherwise. */
  protected bodyStallMs(): number {
    return this.boot.settings.timeout * 1000;
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
    process.on('SIGUSR1', () => {
      this.accessLog?.reopen();
      reopenLogFile();
    });
    this.notify();
    setInterval(() => {
      if (this.beatsNow()) this.notify();
      this.retryDescriptors();
    }, heartbeatEvery(this.boot.settings.timeout));
    this.updateGates();
    // Serving from now on: the master may retire an old worker in this one's place.
    tellMaster(this.boot.controlFd, READY);
  }

  /** The heartbeat: the master reads this file's mtime. */
  protected notify(): void {
    notify(this.boot.heartbeatFd);
  }

  /** Told of each connection the worker takes, before it reads a byte of it. */
  protected connectionAdmitted(): void {}

  protected updateGates(): void {
    this.gates.update({
      mayTake: this.alive && !this.draining && !this.outOfDescriptors,
      hasCapacity: () => this.hasCapacity(),
      open: () => !this.outOfDescriptors && (this.draining || (this.alive && this.hasCapacity())),
    });
  }

  private ranOutOfDescriptors(why: string): void {
    if (this.outOfDescriptors) return;
    this.outOfDescriptors = true;
    const now = Date.now();
    const { timeout } = this.boot.settings;
    if (!this.shortage || now - this.shortage.last > timeout * 1000) {
      this.shortage = { since: now, last: now };
      log('warning', `Too many open files: not accepting new connections until one closes (${why})${timeout > 0 ? `; the worker leaves if this goes on for ${timeout} s` : ''}`);
    }
    this.shortage.last = now;
    // Possibly told from inside an update of the gates: close them once it is done.
    queueMicrotask(() => this.updateGates());
  }

  /** The descriptor the process would be given next (descriptors are handed out lowest first). */
  private lowestFreeDescriptor(): number {
    let probe: number;
    try {
      probe = fs.openSync('/dev/null', 'r');
    } catch {
      return Infinity; // none left at all
    }
    fs.closeSync(probe);
    return probe;
  }

  /** After a connection closed, and at each beat: the gates try again, or the worker leaves. */
  private retryDescriptors(): void {
    if (!this.outOfDescriptors || !this.alive) return;
    const { timeout } = this.boot.settings;
    this.outOfDescriptors = false;
    if (timeout > 0 && this.shortage && Date.now() - this.shortage.since > timeout * 1000) {
      log('error', `Still short of file descriptors after ${timeout} s: leaving, for a fresh worker`);
      this.stop(false);
      return;
    }
    this.updateGates(); // may run short again, silently: this run of shortages was said once
  }

  private admit(raw: net.Socket, listener: ServerAddress): void {
    // Over TLS the connection is the TLS socket: requests, bookkeeping and close all see it.
    const socket = this.secureContext ? wrapTls(raw, this.secureContext) : raw;
    // Descriptors are handed out lowest first: a high one means the lower ones are all taken.
    const fd = (raw as unknown as { _handle?: { fd?: number } })._handle?.fd ?? -1;
    if (fd >= this.descriptorCeiling) this.ranOutOfDescriptors(`connection descriptor ${fd}, the limit is ${this.descriptorCeiling + DESCRIPTOR_HEADROOM}`);
    this.connectionAdmitted();
    this.connections.admit(socket, listener, () => {
      // The app may have used descriptors while it served (a leak, its own files): libuv meeting
      // EMFILE on accept would close every connection waiting, without a word.
      if (fd >= this.descriptorCeiling - 4 * DESCRIPTOR_HEADROOM && this.lowestFreeDescriptor() >= this.descriptorCeiling) {
        this.ranOutOfDescriptors(`the lowest free descriptor is near the limit, ${this.descriptorCeiling + DESCRIPTOR_HEADROOM}`);
      } else this.retryDescriptors();
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
      // The window above may not have reached every connection the kernel queued (a deep
      // backlog: sync served ~110 of 200 and reset the rest): what still waits is taken now.
      if (drain) this.gates.takeAllWaiting();
      for (const listener of this.boot.listeners) fs.closeSync(listener.fd);
      // Idle keep-alive connections would hold the exit up to keepalive seconds: nothing is in
      // flight on them (busy ones end after their response, which says Connection: close). One
      // whose answer just went out is given a moment: its client may be sending the next request.
      this.connections.closeIdle(Math.min(STOP_IDLE_GRACE_MS, this.boot.settings.keepalive * 1000));
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
