// What the master and a worker agree on, in one place both import: what a worker is handed at
// spawn, how it says it could not start, and how the master asks it where it is stuck.
//
//   descriptors  0 closed, 1-2 the master's stdout/stderr, 3 the heartbeat file (the worker
//                touches its mtime; the master reads it), 4.. the listening sockets in bind order,
//                then the control channel (a socket pair; see stack-helper.ts)
//   environment  PREFORK_WORKER: the WorkerBoot below, as JSON; PREFORK_MASTER_PID
//   exit codes   WORKER_BOOT_ERROR: the worker itself could not start; APP_LOAD_ERROR: the app
//                failed to load. Either halts the master (a respawn would only loop), as in
//                gunicorn. Any other exit is replaced.
import fs from 'node:fs';
import type { Settings, WorkerClass } from './settings.ts';

export const WORKER_BOOT_ERROR = 3;
export const APP_LOAD_ERROR = 4;

/** What a worker learns at spawn, through its environment. */
export interface WorkerBoot {
  settings: Settings;
  /** The class it runs (sync with threads > 1 is gthread): what settings.ts's effectiveWorkerClass says. */
  workerClass: WorkerClass;
  app: string;
  listeners: Array<{ fd: number; host: string; port: number }>;
  heartbeatFd: number;
  /** The control channel: see the messages below. */
  controlFd: number;
  ppid: number;
}

export const HEARTBEAT_FD = 3;
export const FIRST_LISTENER_FD = 4;
// On the control channel, the master writes STACK_REQUEST; the worker writes messages, each ended
// by END_OF_MESSAGE (a stack has newlines of its own): READY once it serves (the app loaded: the
// master retires an old worker only then), `${STACK_REPLY}<frames>` when asked, and under
// --reload `${SOURCES}<JSON array of paths>`: files of the app's module graph it loaded since it
// last said (app-sources.ts; the first before READY).
export const STACK_REQUEST = 'stack\n';
export const END_OF_MESSAGE = '\0';
export const READY = 'ready';
export const STACK_REPLY = 'stack ';
export const SOURCES = 'sources ';

/** A message as it goes on the control channel. */
export const frameMessage = (text: string): string => `${text}${END_OF_MESSAGE}`;

/** Cuts what the control channel brings into messages; bytes, not text, until one is whole (a character may be cut). */
export class MessageReader {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): string[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const messages: string[] = [];
    for (let end = this.pending.indexOf(0); end >= 0; end = this.pending.indexOf(0)) {
      messages.push(this.pending.subarray(0, end).toString('utf8'));
      this.pending = this.pending.subarray(end + 1);
    }
    return messages;
  }
}

/** The worker's side: its boot, from the environment the master set. */
export function workerBoot(): WorkerBoot {
  return JSON.parse(process.env.PREFORK_WORKER ?? 'null');
}

/** The worker's side: one message to the master, on the control channel `fd`. */
export function tellMaster(fd: number, text: string): void {
  try {
    fs.writeSync(fd, frameMessage(text));
  } catch {
    // the master is gone (the parent-death signal follows) or busy: it finds out by the heartbeat
  }
}
