// --reload (gunicorn's, for development): the master watches the app's source tree and, when a
// code file changes, replaces the workers as on HUP, new ones first. gunicorn's reloader watches
// the modules a worker has loaded; here the tree under the app's directory stands for them:
// every directory but node_modules and hidden ones, each watched on its own (fs.watch's
// recursive mode would take node_modules in, thousands of directories), code files only, so that
// a log written beside the app reloads nothing. --reload-extra-file names more files, of any
// kind and anywhere (a template, a configuration): each is watched through its directory, as an
// editor replaces a file rather than write it in place, which a watch of the file would lose.
import fs from 'node:fs';
import path from 'node:path';

/** What counts as the app's code. */
const CODE = /\.(?:[cm]?[jt]sx?|json)$/;
/** Changes closer together than this are one reload (an editor writes a file in several steps). */
const SETTLE_MS = 150;
/** The most directories watched, so a mistaken app path (the root) cannot exhaust inotify. */
const MOST_DIRECTORIES = 2000;

function directories(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    if (found.length >= MOST_DIRECTORIES) return;
    found.push(dir);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.')) walk(path.join(dir, entry.name));
    }
  };
  walk(root);
  return found;
}

/**
 * Watches `root` and the `extra` files until the returned function is called; `changed` gets the
 * first file of each burst.
 */
export function watchSources(root: string, changed: (file: string) => void, extra: readonly string[] = []): () => void {
  const watchers = new Map<string, fs.FSWatcher>();
  const named = new Set(extra.map((file) => path.resolve(file)));
  /** Directories of the app's tree: their code files count (an extra file's directory may not be one). */
  const tree = new Set<string>();
  let pending: NodeJS.Timeout | undefined;
  let first: string | undefined;
  const watch = (dir: string, inTree = true) => {
    if (inTree) tree.add(dir);
    if (watchers.has(dir)) return;
    try {
      const watcher = fs.watch(dir, (_event, name) => {
        if (!name) return;
        const file = path.join(dir, name.toString());
        if (!named.has(file)) {
          if (!tree.has(dir)) return;
          // A new directory (git checkout, a new module folder) is watched from now on.
          if (!CODE.test(file)) {
            if (!name.toString().startsWith('.') && name.toString() !== 'node_modules' && fs.statSync(file, { throwIfNoEntry: false })?.isDirectory()) for (const d of directories(file)) watch(d);
            return;
          }
        }
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
      // gone between the walk and the watch
    }
  };
  for (const dir of directories(root)) watch(dir);
  for (const file of named) watch(path.dirname(file), false);
  return () => {
    clearTimeout(pending);
    for (const watcher of watchers.values()) watcher.close();
    watchers.clear();
  };
}
