// One worker as the master sees it (Puma's split of a worker handle from the cluster): its
// pid, its heartbeat file, its end of the control channel, its place in the plan. The arbiter
// keeps gunicorn's verbs (spawn, reap, murder, manage) over these handles; what is asked of one
// worker is asked here.
import fs from 'node:fs';
import type { Socket } from 'node:net';
import { MessageReader, READY, SOURCES, STACK_REPLY, STACK_REQUEST } from './boot-contract.ts';
import { log } from './log.ts';
import { signalProcess, type WorkerState } from './worker-policy.ts';

/** What the master hears from a worker on its control channel, besides a stack it asked for. */
export interface WorkerNews {
  /** It serves: the app is loaded (in the first pool thread, for gthread). */
  ready(worker: WorkerHandle): void;
  /** --reload: files of the app's module graph it loaded (app-sources.ts). */
  sources(files: string[]): void;
}

export class WorkerHandle implements WorkerState {
  readonly spawnedAt = Date.now();
  /** It said READY. */
  ready = false;
  /** Asked to leave (SIGTERM): no longer counted among the N. */
  retiring = false;
  /** When it was found timed out (its stack asked for), and when SIGABRT went out. */
  timedOutAt?: number;
  abortedAt?: number;
  private onStack?: (frames: string) => void;

  /**
   * `heartbeat`: the fd of an unlinked temp file whose mtime the worker touches (the handle closes
   * it once the worker is gone); `control`: the master's end of the control channel.
   */
  constructor(
    readonly pid: number,
    readonly age: number,
    private readonly heartbeat: number,
    private readonly control: Socket | null,
    news: WorkerNews,
  ) {
    control?.on('error', () => undefined); // a worker that died meanwhile: its stack is not coming
    const reader = new MessageReader();
    control?.on('data', (chunk: Buffer) => {
      for (const message of reader.push(chunk)) {
        if (message === READY) news.ready(this);
        else if (message.startsWith(STACK_REPLY)) this.onStack?.(message.slice(STACK_REPLY.length));
        else if (message.startsWith(SOURCES)) news.sources(JSON.parse(message.slice(SOURCES.length)) as string[]);
      }
    });
  }

  /** When it last beat (ms since the epoch), 0 before its first beat. */
  lastBeat(): number {
    try {
      return fs.fstatSync(this.heartbeat).mtimeMs;
    } catch {
      return 0;
    }
  }

  /**
   * How long it has been silent at `now` (ms): since its last beat, or since it was spawned when
   * it has not beaten yet (gunicorn's timeout covers the boot too: a worker stuck loading the app
   * is killed like a stuck one).
   */
  silentFor(now: number): number {
    return now - Math.max(this.lastBeat(), this.spawnedAt);
  }

  /** The frames of its main thread (stack-helper.ts answers), or why there are none within `waitMs`. */
  stack(waitMs: number): Promise<string> {
    const { control } = this;
    if (!control || control.destroyed) return Promise.resolve('    (no control channel to ask)');
    return new Promise((resolve) => {
      const done = (text: string) => {
        clearTimeout(timer);
        this.onStack = undefined;
        resolve(text);
      };
      const timer = setTimeout(() => done(`    (no answer within ${waitMs} ms)`), waitMs);
      this.onStack = done;
      control.write(STACK_REQUEST);
    });
  }

  /** A signal to it: one already gone is no error (ESRCH), any other failure is logged. */
  signal(signal: NodeJS.Signals): void {
    signalProcess(this.pid, signal, process.kill, (line) => log('error', line));
  }

  /** Once it is gone: its heartbeat file is closed. */
  release(): void {
    fs.closeSync(this.heartbeat);
  }
}
