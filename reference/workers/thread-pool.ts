// gthread's pool: `threads` worker_threads, each running the app for one request at a time. The
// pool is itself a Handler, so the HTTP path is the same for every class; the worker's main
// thread keeps parsing, accepting and heartbeating while apps run (even CPU-bound ones).
import { Worker as Thread } from 'node:worker_threads';
import { plainEnviron } from '../gateway/environ.ts';
import { log } from '../log.ts';
import { headerFields } from '../gateway/lazy-request.ts';
import { NotAnAnswer, type Environ, type Handler, type RawResponse } from '../gateway/types.ts';
import { takeFirstThread, THREAD_MAIN, type ThreadData } from './first-thread.ts';

/** Messages from a thread about one job. */
export type JobMessage =
  /** `loader`: the line that says which loader runs a TypeScript app, from the first thread. */
  | { type: 'ready'; loader?: string }
  /** --reload: files of the app's module graph the thread loaded since it last said (any time). */
  | { type: 'sources'; files: string[] }
  | { type: 'head'; status: number; statusText?: string; headers: Array<[string, string]>; hasBody: boolean }
  /** A whole answer whose body was known at once: one message instead of head, chunk, end. */
  | { type: 'whole'; status: number; statusText?: string; headers: Array<[string, string]>; bytes: Uint8Array | null }
  | { type: 'chunk'; bytes: Uint8Array }
  | { type: 'end' }
  /** notAnAnswer: the app returned something that is no answer (message says what, no stack). */
  | { type: 'error'; message: string; afterHead: boolean; notAnAnswer?: boolean }
  /** Job `job`'s app wants the next piece of its streamed request body. */
  | { type: 'pull'; job: number }
  /** Job `job`'s app gave up on the rest of its request body. */
  | { type: 'cancel'; job: number };

/**
 * A streamed request body's pieces, sent to a thread one per 'pull'. Both carry the job's number:
 * a body stream may still pull after its job answered, and the thread may have a new job by then.
 */
export type BodyMessage = { job: number } & ({ type: 'body'; bytes: Uint8Array } | { type: 'body-end' } | { type: 'body-error'; message: string });

/**
 * Backpressure on a streamed answer: `taken` when the connection took a chunk of job `job` (the
 * thread sends at most RESPONSE_WINDOW chunks ahead), `stop` when nobody will take more (the
 * client went away): the thread ends the app's body and the job.
 */
export type FlowMessage = { job: number; type: 'taken' } | { job: number; type: 'stop' };

/** Chunks of an answer a thread may send before the connection took them. */
export const RESPONSE_WINDOW = 4;

/** Bodies up to this size (by Content-Length) travel with the job; others are streamed. */
const INLINE_BODY = 64 * 1024;

export interface Job {
  id: number;
  url: string;
  method: string;
  headers: Array<[string, string]>;
  /** The whole body, or null: none, or `streamed` (then the thread pulls it piece by piece). */
  body: Uint8Array | null;
  streamed: boolean;
  environ: Environ;
}

/**
 * A pushable async iterable: chunks from a thread become the response body. The reader says when
 * it took a chunk (the thread may send another) and when it stopped before the end.
 */
class Channel implements AsyncIterable<Uint8Array> {
  private items: Array<Uint8Array | Error | null> = [];
  private wake?: () => void;
  constructor(private readonly flow: (type: FlowMessage['type']) => void) {}
  push(item: Uint8Array | Error | null) {
    this.items.push(item);
    this.wake?.();
  }
  async *[Symbol.asyncIterator]() {
    let ended = false;
    try {
      for (;;) {
        while (this.items.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
        const item = this.items.shift()!;
        ended = item === null || item instanceof Error;
        if (item === null) return;
        if (item instanceof Error) throw item;
        yield item;
        this.flow('taken'); // the reader asked for the next one: this one is on its way
      }
    } finally {
      if (!ended) this.flow('stop');
    }
  }
}

export interface ThreadPool {
  handler: Handler;
  /** Resolves when the first thread has loaded the app (the others start as requests need them); rejects if it could not. */
  ready: Promise<void>;
  /** Requests whose (small) body is still arriving: they have asked for no thread yet. */
  receiving(): number;
  /** Told whenever receiving() changed. */
  onReceiving(listener: () => void): void;
  /** The threads at work now, each with what it does: loading the app, or running a request. */
  busyThreads(): Array<{ threadId: number; doing: string }>;
}

/** A request that has run longer than the pool's watch allows, said once. */
export interface Overdue {
  threadId: number;
  method: string;
  url: string;
  runningMs: number;
}

export interface PoolWatch {
  /** A request running longer than this is reported (0: never). */
  overdueMs: number;
  onOverdue(overdue: Overdue): void;
}

/** `reportSources`: under --reload, told the files each thread's app loads (every thread records them). */
export function threadPool(appSpec: string, size: number, watch?: PoolWatch, reportSources?: (files: string[]) => void): ThreadPool {
  const idle: Thread[] = [];
  /** Threads still loading the app, by threadId. */
  const loadingIds = new Set<number>();
  /** The requests the threads run now, by job: what the watch looks at. */
  const running = new Map<number, { threadId: number; method: string; url: string; since: number; reported: boolean }>();
  if (watch && watch.overdueMs > 0) {
    const check = () => {
      const now = Date.now();
      for (const job of running.values()) {
        if (job.reported || now - job.since <= watch.overdueMs) continue;
        job.reported = true;
        watch.onOverdue({ threadId: job.threadId, method: job.method, url: job.url, runningMs: now - job.since });
      }
    };
    setInterval(check, Math.min(1000, watch.overdueMs / 4)).unref();
  }
  const waiting: Array<(thread: Thread) => void> = [];
  const release = (thread: Thread) => {
    const next = waiting.shift();
    if (next) next(thread);
    else idle.push(thread);
  };
  /**
   * A thread that loads the app, then takes jobs; resolves once it has loaded. The first thread's
   * failure to load rejects (the worker's boot error: the caller says it and exits as a worker
   * whose app cannot load); after that, a thread that fails or exits takes the worker with it.
   */
  const startThread = (first: boolean) => {
    const data: ThreadData = { appSpec, first, recordSources: reportSources !== undefined };
    // The first may have been started as the worker began (first-thread.ts).
    const early = first ? takeFirstThread(data) : undefined;
    const thread = early?.thread ?? new Thread(THREAD_MAIN, { workerData: data });
    loadingIds.add(thread.threadId);
    if (reportSources) thread.on('message', (m: JobMessage) => m.type === 'sources' && reportSources(m.files));
    let booting = first;
    let failed = false;
    thread.on('error', (error: NodeJS.ErrnoException) => {
      failed = true;
      if (booting) return;
      // A thread that loads after the worker serves may meet a worker out of descriptors (the
      // app's module cannot even be read): one line, as the worker's own EMFILE handling says it.
      if (error.code === 'EMFILE' || error.code === 'ENFILE' || /EMFILE|ENFILE|too many open files/i.test(error.message ?? '')) log('error', `A thread could not load the app (${error.message}): leaving, for a fresh worker`);
      else process.stderr.write(`thread failed: ${error.stack ?? error}\n`);
      process.exit(1);
    });
    // process.exit() in an app ends only its thread here; in the other classes (and in gunicorn,
    // where SystemExit leaves the worker) it ends the worker, with that status, loading or not.
    thread.on('exit', (code) => {
      if (!(booting && failed)) process.exit(code);
    });
    const loaded = new Promise<void>((resolve, reject) => {
      const readied = (m: JobMessage) => {
        if (m.type === 'sources') return; // the files its load read come first
        thread.off('message', readied);
        if (m.type !== 'ready') return reject(new Error(`unexpected ${m.type}`));
        if (m.loader) log('info', m.loader);
        resolve();
      };
      thread.on('message', readied);
      thread.once('error', reject);
    })
      .finally(() => loadingIds.delete(thread.threadId))
      .then(() => {
        booting = false;
        release(thread);
      });
    early?.replay(); // every listener is on
    return loaded;
  };
  // One thread loads before the worker serves (a load error is then a boot error); another
  // starts only when a request finds every started thread busy, as gunicorn's gthread pool (a
  // ThreadPoolExecutor) starts its threads. N isolates loading at once on the machine's cores made
  // the first answer wait for all of them, and each idle one weighs 10-17 MB. The worker's main
  // thread never loads the app: its copy would serve nothing.
  const ready = startThread(true);
  let started = 1;
  let jobs = 0;
  let receiving = 0;
  let receivingChanged: (() => void) | undefined;
  const acquire = () =>
    new Promise<Thread>((resolve) => {
      if (idle.length) return resolve(idle.pop()!);
      waiting.push(resolve);
      // No more loading than waiting: the request takes whichever comes first, a thread freed by
      // its job or a new one loaded (release() hands either to the longest waiting).
      if (started < size && loadingIds.size < waiting.length) {
        started++;
        void startThread(false);
      }
    });

  const handler = async (request: Request, environ: Environ): Promise<RawResponse> => {
    // A small body with a known length travels with the job (one message); any other is streamed
    // so the app starts at once and reads it as it arrives, as in the other classes.
    let headers = headerFields(request); // without building the real Request when it can
    if (!headers) {
      headers = [];
      request.headers.forEach((value, name) => headers!.push([name, value]));
    }
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
    const inline = hasBody && Number(headers.find(([name]) => name === 'content-length')?.[1] ?? NaN) <= INLINE_BODY;
    let body: Uint8Array | null = null;
    if (inline) {
      receiving++;
      receivingChanged?.();
      try {
        body = new Uint8Array(await request.arrayBuffer());
      } finally {
        receiving--;
        receivingChanged?.();
      }
    }
    const reader = hasBody && !inline ? request.body?.getReader() : undefined;
    const thread = await acquire();
    const id = ++jobs;
    return new Promise<RawResponse>((resolve, reject) => {
      const channel = new Channel((type) => send({ job: id, type }));
      const onMessage = (message: JobMessage) => {
        switch (message.type) {
          case 'whole':
            resolve({ status: message.status, statusText: message.statusText, headers: message.headers, body: message.bytes });
            finish();
            break;
          case 'head':
            resolve({ status: message.status, statusText: message.statusText, headers: message.headers, body: message.hasBody ? channel : null });
            if (!message.hasBody) finish();
            break;
          case 'chunk':
            channel.push(message.bytes);
            break;
          case 'end':
            channel.push(null);
            finish();
            break;
          case 'error':
            if (message.afterHead) channel.push(new Error(message.message));
            else reject(message.notAnAnswer ? new NotAnAnswer(message.message) : new Error(message.message));
            finish();
            break;
          case 'pull':
            if (message.job !== id || !reader) break;
            reader.read().then(
              ({ done, value }) => {
                if (done) return send({ job: id, type: 'body-end' });
                const copy = new Uint8Array(value); // transferable, detached from Node's pool
                send({ job: id, type: 'body', bytes: copy }, [copy.buffer]);
              },
              (error: Error) => send({ job: id, type: 'body-error', message: error.message }),
            );
            break;
          case 'cancel':
            if (message.job === id) void reader?.cancel().catch(() => undefined);
        }
      };
      // A piece read after the job ended must not reach the thread's next job.
      let finished = false;
      const send = (message: BodyMessage | FlowMessage, transfer: ArrayBuffer[] = []) => {
        if (!finished) thread.postMessage(message, transfer);
      };
      const finish = () => {
        finished = true;
        running.delete(id);
        thread.off('message', onMessage);
        // Whatever the app left unread is Node's to discard (or to close the connection over).
        try {
          reader?.releaseLock();
        } catch {
          // a read still pending: it settles into send(), which ignores it now
        }
        release(thread);
      };
      thread.on('message', onMessage);
      const job: Job = { id, url: request.url, method: request.method, headers, body, streamed: reader !== undefined, environ: plainEnviron(environ) };
      running.set(id, { threadId: thread.threadId, method: request.method, url: String(job.environ.RAW_URI ?? request.url), since: Date.now(), reported: false });
      thread.postMessage(job, body ? [body.buffer as ArrayBuffer] : []);
    });
  };
  return {
    handler,
    ready,
    receiving: () => receiving,
    onReceiving: (listener) => (receivingChanged = listener),
    busyThreads: () => [
      ...[...loadingIds].map((threadId) => ({ threadId, doing: 'loading the app' })),
      ...[...running.values()].map(({ threadId, method, url, since }) => ({ threadId, doing: `running ${method} ${url} for ${((Date.now() - since) / 1000).toFixed(1)} s` })),
    ],
  };
}
