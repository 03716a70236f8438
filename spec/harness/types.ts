import { GATEWAYS, type Gateway } from './gateways.ts';

// The target harness API: the only thing a spec case may touch. Drivers (local processes,
// containers) implement `Driver`; a case never learns which server or driver it talks to.

/** Worker classes as the spec names them; a manifest maps them to the server's own names. */
export type SpecClass = 'sync' | 'gthread' | 'async';

export type Level = 'MUST' | 'SHOULD' | 'MAY';

/**
 * The layer a case belongs to. `model` holds for any pre-fork server; a profile holds for servers
 * that claim it: `gunicorn` (gunicorn's settings and their meanings) in the manifest's `profiles`,
 * a gateway profile (gateways.ts: what the app sees) by the manifest's `gateway`.
 */
export type Layer = 'model' | Profile;
export type Profile = 'gunicorn' | Gateway;
export type { Gateway } from './gateways.ts';
export const PROFILES: readonly Profile[] = ['gunicorn', ...GATEWAYS];

/**
 * What a case may ask the master to do. Each target says which signal does it (manifest
 * `operations`; gunicorn's signals when it says nothing); a case that needs an operation the
 * target lacks is `unsupported`.
 */
export type Operation = 'gracefulStop' | 'quickStop' | 'reload' | 'addWorker' | 'removeWorker';
export const OPERATIONS: readonly Operation[] = ['gracefulStop', 'quickStop', 'reload', 'addWorker', 'removeWorker'];

/**
 * Settings whose effect a case judges (graceful_timeout ends requests, worker_connections bounds
 * concurrency...). A target whose manifest never sets one through its placeholder lacks it, and
 * the case is `unsupported`: a server is not wrong for lacking a setting.
 */
export type JudgedSetting = 'gracefulTimeout' | 'keepalive' | 'connections' | 'threads' | 'timeout';

/** The request limits a case may test: longest request line, longest header line, most header fields. */
export type Limit = 'requestLine' | 'headerFieldSize' | 'headerFields';
export const LIMITS: readonly Limit[] = ['requestLine', 'headerFieldSize', 'headerFields'];

/**
 * One way to ask a server for an operation: a signal to its master (or to the process the kit
 * started, for a launcher that relays it: Passenger Standalone), or a command run beside it
 * (`pm2 reload all`, `pumactl phased-restart`).
 */
export type OperationStep = { signal: NodeJS.Signals; to: 'master' | 'started' } | { command: string[] };

/** What a case knows of the target besides its servers: resolved from the manifest, never assumed. */
export interface TargetTraits {
  /** The way(s) to ask for each operation the target has; a case that tests each uses every one. */
  operations: Partial<Record<Operation, OperationStep[]>>;
  /** How the master exits after a graceful stop. */
  gracefulExit: ExitStatus;
  /**
   * A reload keeps the worker count the server has (Puma's phased restart) rather than going back
   * to the configured one (gunicorn's HUP reads num_workers again).
   */
  reloadKeepsCount: boolean;
  /** The limits the target has (fixed in the manifest, or set by the kit through a placeholder). */
  limits: Partial<Record<Limit, number>>;
  /** The capabilities the target declares (a case that needs one says so in `needs`; this is for a case that adapts). */
  capabilities: Capability[];
}

/**
 * What a target may declare it can do, each with what declaring it means. A case that needs a
 * capability the target lacks is reported `unsupported`, never failed. (The manifest schema's
 * enum and `conform init`'s next steps come from this table.)
 */
export const CAPABILITIES = {
  heartbeat: 'a stalled worker (stopped, stuck in a loop, stuck loading the app) is killed after {timeout}',
  'request-timeout': 'a request running longer than {timeout} is ended and its worker replaced (gunicorn sync, uWSGI harakiri)',
  'max-requests': 'workers retire after {maxRequests} responses (+ {maxRequestsJitter})',
  'forwarded-allow-ips': 'the URL scheme follows X-Forwarded-Proto from trusted peers only',
  'multi-bind': 'several listening addresses at once (the extraBind template)',
} as const;
export type Capability = keyof typeof CAPABILITIES;

/** A server configuration a case asks for; unset fields take the kit defaults. */
export interface ServerConfig {
  /** The spec class the server is started as (the manifest maps it to its own name, {workerClass}). */
  specClass: SpecClass;
  workers: number;
  threads: number;
  connections: number;
  timeout: number; // seconds, as gunicorn's --timeout
  gracefulTimeout: number; // seconds
  keepalive: number; // seconds
  maxRequests: number;
  maxRequestsJitter: number;
  /** Request limits, for targets whose command sets them ({limitRequestLine} ...). */
  limitRequestLine: number;
  limitRequestFieldSize: number;
  limitRequestFields: number;
  /** Addresses bound besides the main one (needs 'multi-bind'); their ports are Server.extraPorts. */
  extraBinds: number;
  /** Extra environment for the server (the probe app reads CONFORM_PROBE_*). */
  env: Record<string, string>;
}

export interface StartOptions {
  /** Wait until the port accepts and `workers` worker processes exist (default true). */
  waitReady?: boolean;
}

export interface ExitStatus {
  code: number | null;
  signal: string | null;
}

/** A running server under test. All pids are as seen by the driver that started it. */
export interface Server {
  readonly host: string;
  readonly port: number;
  /** The ports of config.extraBinds more addresses on the same host, in bind order. */
  readonly extraPorts: readonly number[];
  readonly config: ServerConfig;
  /** The process the driver started. */
  readonly startedPid: number;
  /**
   * Whether the started process is the master: false where the manifest's processes.master names
   * another (the started one is then a launcher, and exitStatus() is the launcher's).
   */
  readonly startedIsMaster: boolean;
  /**
   * The process that manages the workers: the started one, or the one the manifest's
   * processes.master names among the processes the server made (found by readiness).
   */
  readonly masterPid: number;
  /** Live (not zombie) worker processes: children of the master, oldest first. */
  workers(): Promise<number[]>;
  /** True while the process exists and is not a zombie. */
  alive(pid: number): Promise<boolean>;
  /** The state letter of each thread of `pid` as /proc shows it ('R' runs, 'S' waits); [] once it is gone. */
  threadStates(pid: number): Promise<string[]>;
  /** Sends a signal; after SIGSTOP, resolves once every thread of `pid` has stopped (or 2 s passed). */
  signal(pid: number, signal: NodeJS.Signals): Promise<void>;
  /** Runs argv beside the server (its environment, in the target's directory): an operation's command. */
  command(argv: string[]): Promise<{ code: number | null; output: string }>;
  /** The started process's exit status once it has exited (the master's, unless a launcher started it), else null. */
  exitStatus(): ExitStatus | null;
  /** Everything the server printed so far (stdout and stderr interleaved). */
  logs(): string;
  /** Stop the server and every process it started, whatever state they are in. */
  stop(): Promise<void>;
}

export interface Driver {
  readonly name: string;
  start(config: ServerConfig, options?: StartOptions): Promise<Server>;
  /** Before a shared server is lent to the next case: a driver that cannot replace it checks it still answers. */
  beforeLend?(server: Server): Promise<void>;
  /** Processes the driver started and has not yet reaped: for a final sweep. */
  dispose(): Promise<void>;
}

/** Thrown when the harness, not the server, could not do its job: verdict `error`. */
export class HarnessError extends Error {
  override name = 'HarnessError';
}
