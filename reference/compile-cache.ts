// Node's on-disk code cache (its API from Node 22.8, the flush from 22.10; Node 20 has none, and
// nothing happens there): every module the master, its workers and their threads compile is
// cached once, so a later compile of the same file (a respawn, a reload, a TTIN, the next start)
// reads V8's code instead. For a TypeScript app on a Node that strips types it also skips the
// stripping: a TypeScript app then boots as fast as a compiled one (measured on Node 24: spawn to
// the first answer 331 -> 214 ms). The directory is Node's default (or NODE_COMPILE_CACHE);
// NODE_DISABLE_COMPILE_CACHE=1 turns it off.
import module from 'node:module';
import os from 'node:os';
import path from 'node:path';

/** That API (Node 20's types do not know it). */
const api = module as unknown as {
  enableCompileCache?: (directory: string) => { directory?: string };
  flushCompileCache?: () => void;
};

/**
 * The master, first thing: the cache on for it, and handed down (workers and threads read the
 * variable). The base directory, not the one Node returns: below it Node keeps a directory per
 * version.
 */
export function enableCompileCache(): void {
  const base = process.env.NODE_COMPILE_CACHE || path.join(os.tmpdir(), 'node-compile-cache'); // Node's own default
  if (api.enableCompileCache?.(base)?.directory) process.env.NODE_COMPILE_CACHE = base;
}

/**
 * A worker (or a thread) once its app loaded: what it compiled is written now, not at its exit,
 * so the next worker to boot reads it.
 */
export function flushCompileCache(): void {
  try {
    api.flushCompileCache?.();
  } catch {
    // a directory it may not write (a worker run as another user): it only stays uncached
  }
}
