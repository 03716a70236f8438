// The master: binds, forks workers, keeps N of them alive, kills the silent ones, and answers
// signals. It never accepts a connection (see listener.ts).
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_LOAD_ERROR, FIRST_LISTENER_FD, HEARTBEAT_FD, WORKER_BOOT_ERROR, type WorkerBoot } from './boot-contract.ts';
import { appParts, loadApp } from './gateway/load.ts';
import { watchSources, type SourceWatch } from './reloader.ts';
import { describeAddress, parseAddress, systemdAddresses } from './address.ts';
import { bind, listenerUrl, type Listener } from './listener.ts';
import { log, reopenLogFile } from './log.ts';
import { statsdOf, type Statsd } from './metrics.ts';
import { effectiveWorkerClass, type Settings } from './settings.ts';
import { WorkerHandle } from './worker-handle.ts';
import { workerPlan } from './worker-policy.ts';

// Run compiled (dist/): the master loads no TypeScript tooling, so its only children are workers.
const WORKER_BOOT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'workers', 'boot.js');

/** What `ps` shows for a worker, as gunicorn's "gunicorn: worker [app]". */
export const workerTitle = (app: string) => `prefork: worker [${app}]`;
const MURDER_EVERY_MS = 100;
/** How long a timed-out worker has to say where it is stuck before it is killed anyway. */
const STACK_WAIT_MS = 1500;

/** Whether the kernel has the process stopped (SIGSTOP, SIGTSTP, a tracer): state T or t. */
function isStopped(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return /^[Tt]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

export class Arbiter {
  private readonly workers = new Map<number, WorkerHandle>();
  private listeners: Listener[] = [];
  private numWorkers: number;
  private age = 0;
  private stopping = false;
  /** Halting on a boot error: the workers the master ends on its way out are no news to log. */
  private halting = false;
  private murderTimer?: NodeJS.Timeout;
  /** --reload: the watch of the app's files (reloader.ts). */
  private sources?: SourceWatch;
  /** --statsd-host: the master's metrics (gunicorn.workers, gunicorn.log.*). */
  private readonly statsd?: Statsd;

  constructor(
    private readonly settings: Settings,
    private readonly app: string,
    private readonly version: string,
  ) {
    this.numWorkers = settings.workers;
    this.statsd = statsdOf(settings);
  }

  /** What the process titles say: --name, else the app (gunicorn's proc_name, default_proc_name). */
  private get name(): string {
    return this.settings.procName ?? this.app;
  }

  async start(): Promise<void> {
    process.title = `prefork: master [${this.name}]`;
    log('info', `Starting prefork ${this.version}`);
    if (this.settings.preload) {
      // Node cannot fork a loaded app into workers: preload validates the app in the master,
      // before binding, and each worker still loads its own copy.
      try {
        await loadApp(this.app);
      } catch (error) {
        log('error', `Exception while preloading the app: ${(error as Error).stack ?? error}`);
        process.exit(APP_LOAD_ERROR);
      }
    }
    const addresses = systemdAddresses() ?? this.settings.bind.map(parseAddress);
    for (const address of addresses) {
      let listener;
      try {
        listener = await bind(address, this.settings.backlog, this.settings.umask);
      } catch (error) {
        log('error', `Cannot bind ${describeAddress(address)}: ${(error as Error).message}`);
        this.closeListeners();
        process.exit(1);
      }
      this.listeners.push(listener);
      log('info', `Listening at: ${listenerUrl(listener)} (${process.pid})`);
    }
    this.handOverFiles();
    log('info', `Using worker: ${effectiveWorkerClass(this.settings)}`);
    if (this.settings.pidfile) fs.writeFileSync(this.settings.pidfile, `${process.pid}\n`);
    this.installSignals();
    // The app's own file from the start: the workers tell the rest of its graph as they load it.
    if (this.settings.reload) this.sources = watchSources([appParts(this.app).file, ...this.settings.reloadExtraFiles], (file) => {
      // gunicorn's worker says this before it exits for the reload.
      log('info', `Worker reloading: ${file} modified`);
      this.reload();
    });
    this.manageWorkers();
    this.murderTimer = setInterval(() => this.murderWorkers(), MURDER_EVERY_MS);
  }

  private installSignals(): void {
    // gunicorn's arbiter logs each signal it handles by its short name, then handles it.
    const on = (signal: NodeJS.Signals, handle: () => void) =>
      process.on(signal, () => {
        log('info', `Handling signal: ${signal.slice(3).toLowerCase()}`);
        handle();
      });
    on('SIGTERM', () => void this.stop(true));
    on('SIGINT', () => void this.stop(false));
    on('SIGQUIT', () => void this.stop(false));
    on('SIGHUP', () => this.reload());
    on('SIGTTIN', () => {
      this.numWorkers++;
      this.manageWorkers();
    });
    on('SIGTTOU', () => {
      this.numWorkers = Math.max(1, this.numWorkers - 1);
      this.manageWorkers();
    });
    // Rotation: every process reopens the log files it writes (the workers their access log too).
    on('SIGUSR1', () => {
      reopenLogFile();
      this.handOverFiles(); // the files a rotation made anew are the master's until then
      this.signalAll('SIGUSR1');
    });
    on('SIGWINCH', () => undefined); // ignored unless daemonized, as gunicorn does
  }

  /** --user/--group: the uid and gid the workers run as, when they differ from the master's. */
  private workerAccount(): { uid: number; gid: number } | undefined {
    const uid = this.settings.user ?? process.geteuid!();
    const gid = this.settings.group ?? process.getegid!();
    return uid === process.geteuid!() && gid === process.getegid!() ? undefined : { uid, gid };
  }

  /**
   * What workers of another account write is made theirs, as gunicorn does: the log files (a
   * worker opens the access log and reopens both on USR1; created here if need be) and the unix
   * sockets (a proxy of that account connects). Their heartbeat files are handed over at spawn.
   */
  private handOverFiles(): void {
    const account = this.workerAccount();
    if (!account) return;
    const logs = [this.settings.errorLogfile, this.settings.accessLogfile].filter((file): file is string => !!file && file !== '-');
    const sockets = this.listeners.flatMap((l) => (l.unlinkOnClose ? [l.unlinkOnClose] : []));
    const handOver = (file: string, give: () => void) => {
      try {
        give();
      } catch (error) {
        // Said, not fatal: the first spawn finds out whether workers of that account can run at all.
        log('warning', `Cannot hand ${file} to the workers' account: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
    };
    for (const file of logs) {
      handOver(file, () => {
        const fd = fs.openSync(file, 'a'); // created if need be: a worker reopens it on USR1
        try {
          fs.fchownSync(fd, account.uid, account.gid);
        } finally {
          fs.closeSync(fd);
        }
      });
    }
    for (const file of sockets) handOver(file, () => fs.chownSync(file, account.uid, account.gid));
  }

  private spawnWorker(): void {
    const heartbeatPath = path.join(os.tmpdir(), `wprefork-${process.pid}-${++this.age}-${Math.random().toString(36).slice(2)}`);
    const heartbeat = fs.openSync(heartbeatPath, 'w+');
    fs.unlinkSync(heartbeatPath);
    // A worker of another account touches its heartbeat too (setting a file's times is its owner's right).
    const account = this.workerAccount();
    try {
      if (account) fs.fchownSync(heartbeat, account.uid, account.gid);
    } catch (error) {
      // A master that may not give a file away may not make a worker of that account either.
      fs.closeSync(heartbeat);
      log('error', `Cannot run a worker as uid ${account!.uid}, gid ${account!.gid}: ${(error as NodeJS.ErrnoException).code} (this master runs as uid ${process.geteuid!()})`);
      log('error', 'Shutting down: Master\nReason: Worker failed to boot.');
      void this.halt(WORKER_BOOT_ERROR);
      return;
    }
    // mtime 0 until the worker's first heartbeat: "never booted" is then observable.
    fs.futimesSync(heartbeat, 0, 0);
    // The descriptors of boot-contract.ts: heartbeat, listening sockets, control channel.
    const boot: WorkerBoot = {
      settings: this.settings,
      workerClass: effectiveWorkerClass(this.settings),
      app: this.app,
      listeners: this.listeners.map((l, i) => ({ fd: FIRST_LISTENER_FD + i, host: l.host, port: l.port })),
      heartbeatFd: HEARTBEAT_FD,
      controlFd: FIRST_LISTENER_FD + this.listeners.length,
      ppid: process.pid,
    };
    // The title argument only makes room: a process title cannot outgrow the argv it replaces.
    const child = spawn(process.execPath, [WORKER_BOOT, workerTitle(this.name)], {
      stdio: ['ignore', 'inherit', 'inherit', heartbeat, ...this.listeners.map((l) => l.fd), 'pipe'],
      env: { ...process.env, PREFORK_WORKER: JSON.stringify(boot), PREFORK_MASTER_PID: String(process.pid) },
    });
    if (child.pid === undefined) {
      fs.closeSync(heartbeat);
      log('error', 'could not spawn a worker');
      return;
    }
    const handle = new WorkerHandle(child.pid, this.age, heartbeat, child.stdio[boot.controlFd] as Socket | null, {
      ready: (worker) => this.readied(worker),
      sources: (files) => this.sources?.add(files),
    });
    this.workers.set(child.pid, handle);
    log('info', `Booting worker with pid: ${child.pid}`);
    child.once('exit', (code, signal) => this.reap(handle, code, signal));
  }

  private reap(worker: WorkerHandle, code: number | null, signal: NodeJS.Signals | null): void {
    this.workers.delete(worker.pid);
    const booted = worker.lastBeat() > 0;
    worker.release();
    // A worker that dies on its own before its first heartbeat could not boot: respawning it
    // would only loop.
    if (!booted && !signal && code !== APP_LOAD_ERROR) code = WORKER_BOOT_ERROR;
    if (signal && !this.halting) log(signal === 'SIGTERM' || signal === 'SIGQUIT' ? 'info' : 'warning', `Worker (pid:${worker.pid}) was sent ${signal}!`);
    if (this.stopping) return;
    if (code === WORKER_BOOT_ERROR || code === APP_LOAD_ERROR) {
      const reason = code === WORKER_BOOT_ERROR ? 'Worker failed to boot.' : 'App failed to load.';
      log('error', `Shutting down: Master\nReason: ${reason}`);
      void this.halt(code);
      return;
    }
    this.manageWorkers();
  }

  /** Keeps numWorkers, as workerPlan says (worker-policy.ts). */
  private manageWorkers(): void {
    if (this.stopping) return;
    const workers = [...this.workers.values()];
    const { spawn, retire } = workerPlan(workers, this.numWorkers);
    for (let i = 0; i < spawn; i++) this.spawnWorker();
    for (const worker of workers.filter((w) => retire.includes(w.age))) {
      worker.retiring = true;
      worker.signal('SIGTERM');
    }
    this.statsd?.gauge('gunicorn.workers', [...this.workers.values()].filter((w) => !w.retiring).length);
  }

  /** A worker serves: an extra old one may now leave. */
  private readied(worker: WorkerHandle): void {
    if (worker.ready || !this.workers.has(worker.pid)) return;
    worker.ready = true;
    this.manageWorkers();
  }

  private murderWorkers(): void {
    if (!this.settings.timeout) return;
    const now = Date.now();
    for (const worker of this.workers.values()) {
      if (worker.silentFor(now) <= this.settings.timeout * 1000) continue;
      if (worker.timedOutAt === undefined) {
        log('critical', `WORKER TIMEOUT (pid:${worker.pid})`);
        worker.timedOutAt = now;
        // A stopped worker can neither say where it is nor act on SIGABRT (gunicorn's chance to
        // log a traceback): waiting for it only delays the replacement.
        if (isStopped(worker.pid)) {
          worker.signal('SIGKILL');
          continue;
        }
        void worker.stack(STACK_WAIT_MS).then((stack) => {
          log('error', `Worker (pid:${worker.pid}) timed out; its main thread was in:\n${stack}`);
          worker.abortedAt = Date.now();
          worker.signal('SIGABRT');
        });
      } else if (worker.abortedAt !== undefined && now - worker.abortedAt >= MURDER_EVERY_MS) {
        // SIGABRT ends a running Node worker at once; one still here is stopped or wedged.
        worker.signal('SIGKILL');
      }
    }
  }

  /** HUP: new workers first; each old one leaves gracefully once a new one is ready (manageWorkers). */
  private reload(): void {
    if (this.stopping) return;
    // A reload is a fresh configuration: TTIN/TTOU adjustments end, as in gunicorn.
    this.numWorkers = this.settings.workers;
    for (let i = 0; i < this.numWorkers; i++) this.spawnWorker();
    this.manageWorkers();
  }

  /** `signal` to every worker. */
  private signalAll(signal: NodeJS.Signals): void {
    for (const worker of this.workers.values()) worker.signal(signal);
  }

  private closeListeners(): void {
    for (const l of this.listeners) {
      fs.closeSync(l.fd);
      if (l.unlinkOnClose) fs.rmSync(l.unlinkOnClose, { force: true });
    }
    this.listeners = [];
  }

  /** TERM (graceful: workers get graceful_timeout) or INT/QUIT (quick). Exits 0. */
  async stop(graceful: boolean): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.murderTimer);
    this.sources?.stop();
    this.closeListeners();
    const signal = graceful ? 'SIGTERM' : 'SIGQUIT';
    this.signalAll(signal);
    const limit = Date.now() + (graceful ? this.settings.gracefulTimeout * 1000 : 1000);
    await this.waitForWorkers(limit);
    this.signalAll('SIGKILL');
    await this.waitForWorkers(Date.now() + 2000);
    if (this.settings.pidfile) fs.rmSync(this.settings.pidfile, { force: true });
    log('info', 'Shutting down: Master');
    process.exit(0);
  }

  private async halt(code: number): Promise<void> {
    this.stopping = true;
    this.halting = true;
    clearInterval(this.murderTimer);
    this.closeListeners();
    this.signalAll('SIGKILL');
    await this.waitForWorkers(Date.now() + 2000);
    process.exit(code);
  }

  private async waitForWorkers(until: number): Promise<void> {
    while (this.workers.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  }
}
