// gthread's first pool thread, started by boot.ts before the worker loads its own modules: the
// thread's start (a Node environment of its own, its modules, the app) then runs beside the main
// thread's module loading (~90 ms on Node 24) instead of after it, and the worker serves sooner.
// Until the pool takes the thread over, what it says (its messages, an error, its exit) is kept
// and said again to the pool's listeners.
import type { EventEmitter } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker as Thread } from 'node:worker_threads';

export const THREAD_MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'thread-main.js');

/** What a pool thread is started with (thread-main.ts reads it). */
export interface ThreadData {
  appSpec: string;
  /** The pool's first thread: it says which loader runs a TypeScript app. */
  first: boolean;
  /** --reload: it reports the files its app loads. */
  recordSources: boolean;
}

/**
 * Keeps what `emitter` emits of `events` until `replay()`, which stops keeping and emits it again,
 * in order, to the listeners on by then. Keeping counts as listening: an 'error' meanwhile does
 * not throw.
 */
export function holdEvents(emitter: EventEmitter, events: readonly string[]): { replay: () => void } {
  const heard: Array<[string, unknown[]]> = [];
  const keep = events.map((event) => {
    const listener = (...args: unknown[]) => heard.push([event, args]);
    emitter.on(event, listener);
    return listener;
  });
  return {
    replay: () => {
      events.forEach((event, i) => emitter.off(event, keep[i]));
      for (const [event, args] of heard.splice(0)) emitter.emit(event, ...args);
    },
  };
}

let early: { data: string; thread: Thread; held: { replay: () => void } } | undefined;

export function startFirstThread(data: ThreadData): void {
  const thread = new Thread(THREAD_MAIN, { workerData: data });
  early = { data: JSON.stringify(data), thread, held: holdEvents(thread, ['message', 'error', 'exit']) };
}

/**
 * The thread started early with this data, once, or undefined. Call `replay` once the caller's
 * listeners are on: what the thread said meanwhile reaches them, in order.
 */
export function takeFirstThread(data: ThreadData): { thread: Thread; replay: () => void } | undefined {
  const taken = early;
  early = undefined;
  if (!taken) return undefined;
  if (taken.data !== JSON.stringify(data)) {
    void taken.thread.terminate(); // not the thread asked for (main.ts asks for the same): a fresh one is
    return undefined;
  }
  return { thread: taken.thread, replay: taken.held.replay };
}
