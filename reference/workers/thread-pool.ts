// gthread's pool: `threads` worker_threads, each running the app for one request at a time. The
// pool is itself a Handler, so the HTTP path is the same for every class; the worker's main
// thread keeps parsing, accepting and heartbeating while apps run (even CPU-bound ones).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker as Thread } from 'node:worker_threads';
import { plainEnviron } from '../gateway/environ.ts';
import { headerFields } from '../gateway/lazy-request.ts';
import type { Environ, Handler, RawResponse } from '../gateway/types.ts';

const THREAD_MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'thread-main.js');

/** Messages from a thread about one job. */
export type JobMessage =
  | { type: 'ready' }
  | { type: 'head'; status: number; statusText?: string; headers: Array<[string, string]>; hasBody: boolean }
  /** A whole answer whose body was known at once: one message instead of head, chunk, end. */
  | { type: 'whole'; status: number; statusText?: string; headers: Array<[string, string]>; bytes: Uint8Array | null }
  | { type: 'chunk'; bytes: Uint8Array }
  | { type: 'end' }
  | { type: 'error'; message: string; afterHead: boolean };

export interface Job {
  url: string;
  method: string;
  headers: Array<[string, string]>;
  body: Uint8Array | null;
  environ: Environ;
}

/** A pushable async iterable: chunks from a thread become the response body. */
class Channel implements AsyncIterable<Uint8Array> {
  private items: Array<Uint8Array | Error | null> = [];
  private wake?: () => void;
  push(item: Uint8Array | Error | null) {
    this.items.push(item);
    this.wake?.();
  }
  async *[Symbol.asyncIterator]() {
    for (;;) {
      while (this.items.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
      const item = this.items.shift()!;
      if (item === null) return;
      if (item instanceof Error) throw item;
      yield item;
    }
  }
}

export interface ThreadPool {
  handler: Handler;
  /** Resolves when every thread has loaded the app; rejects if one could not. */
  ready: Promise<void>;
}

export function threadPool(appSpec: string, size: number): ThreadPool {
  const idle: Thread[] = [];
  const waiting: Array<(thread: Thread) => void> = [];
  const loaded: Array<Promise<void>> = [];
  for (let i = 0; i < size; i++) {
    const thread = new Thread(THREAD_MAIN, { workerData: { appSpec } });
    loaded.push(
      new Promise((resolve, reject) => {
        thread.once('message', (m: JobMessage) => (m.type === 'ready' ? resolve() : reject(new Error(`unexpected ${m.type}`))));
        thread.once('error', reject);
      }),
    );
    // After boot, a thread that dies takes the process with it: the master replaces the worker.
    thread.on('error', (error) => {
      process.stderr.write(`thread failed: ${error.stack ?? error}\n`);
      process.exit(1);
    });
    // process.exit() in an app ends only its thread here; in the other classes (and in gunicorn,
    // where SystemExit leaves the worker) it ends the worker, with that status.
    thread.on('exit', (code) => process.exit(code));
    idle.push(thread);
  }
  const release = (thread: Thread) => {
    const next = waiting.shift();
    if (next) next(thread);
    else idle.push(thread);
  };
  const acquire = () => new Promise<Thread>((resolve) => (idle.length ? resolve(idle.pop()!) : waiting.push(resolve)));

  const handler = async (request: Request, environ: Environ): Promise<RawResponse> => {
    const body = request.method === 'GET' || request.method === 'HEAD' ? null : new Uint8Array(await request.arrayBuffer());
    let headers = headerFields(request);
    if (!headers) {
      headers = [];
      request.headers.forEach((value, name) => headers!.push([name, value]));
    }
    const thread = await acquire();
    const channel = new Channel();
    return new Promise<RawResponse>((resolve, reject) => {
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
            else reject(new Error(message.message));
            finish();
        }
      };
      const finish = () => {
        thread.off('message', onMessage);
        release(thread);
      };
      thread.on('message', onMessage);
      const job: Job = { url: request.url, method: request.method, headers, body, environ: plainEnviron(environ) };
      thread.postMessage(job, body ? [body.buffer as ArrayBuffer] : []);
    });
  };
  return { handler, ready: Promise.all(loaded).then(() => undefined) };
}
