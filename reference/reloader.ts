// --reload (gunicorn's, for development): the master watches the files of the app's module graph
// and the --reload-extra-file ones; when one changes, it replaces the workers as on HUP, new ones
// first. Each worker tells the master the files its app loaded, as they load (app-sources.ts), as
// gunicorn's reloader watches the modules its worker loaded: a module outside the app's directory
// (a package of the same repository) reloads, a file the app never loads (a test, a script, a log
// or a cache written beside it) does not. Each file is watched through its directory, as an
// editor replaces a file rather than write it in place, which a watch of the file would lose.
import fs from 'node:fs';
import path from 'node:path';

/** Changes closer together than this are one reload (an editor writes a file in several steps). */
const SETTLE_MS = 150;

export interface SourceWatch {
  /** Watches these files too (again named: no matter). */
  add(files: Iterable<string>): void;
  stop(): void;
}

/** Watches `files` (and those added later) until stopped; `changed` gets the first file of each burst. */
export function watchSources(files: Iterable<string>, changed: (file: string) => void): SourceWatch {
  const watchers = new Map<string, fs.FSWatcher>();
  const named = new Set<string>();
  let pending: NodeJS.Timeout | undefined;
  let first: string | undefined;
  const watchDirectory = (dir: string) => {
    if (watchers.has(dir)) return;
    try {
      const watcher = fs.watch(dir, (_event, name) => {
        const file = name && path.join(dir, name.toString());
        if (!file || !named.has(file)) return;
        first ??= file;
        clearTimeout(pending);
        pending = setTimeout(() => {
          const file = first!;
          first = undefined;
          changed(file);
        }, SETTLE_MS);
      });
      watcher.on('error', () => watchers.delete(dir)); // the directory went away
      watchers.set(dir, watcher);
    } catch {
      // gone since the worker loaded from it
    }
  };
  const add = (more: Iterable<string>) => {
    for (const file of more) {
      const absolute = path.resolve(file);
      named.add(absolute);
      watchDirectory(path.dirname(absolute));
    }
  };
  add(files);
  return {
    add,
    stop: () => {
      clearTimeout(pending);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
