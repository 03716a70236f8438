// --reload: which files the app's module graph is made of, as a worker loads them, so that the
// master watches those (reloader.ts) and no others. ES modules are seen by loader hooks
// (source-hooks.ts), CommonJS ones in the require cache; both are looked at once the app has
// loaded and then every second, as a module may be imported at a request (gunicorn's reloader
// looks at sys.modules every second too). Only under --reload: the hooks run on a thread of their
// own on Node 20 and 22.
import { createRequire, register } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { SERVER_ROOT } from './load.ts';

const LOOK_EVERY_MS = 1000;

/**
 * The app's own file behind a module id, or undefined: node_modules (an install writes hundreds
 * of files over seconds, and a reload in its middle would load half of them: restart after it),
 * this server's modules, and what is no file (data: URLs, builtins).
 */
function appFile(id: string): string | undefined {
  // tsx marks the modules it compiles with a query (?namespace=..., ?tsx-namespace=...).
  const bare = id.replace(/[?#].*$/s, '');
  let file: string;
  try {
    file = bare.startsWith('file:') ? fileURLToPath(bare) : bare;
  } catch {
    return undefined;
  }
  if (!path.isAbsolute(file) || file.includes(`${path.sep}node_modules${path.sep}`) || file.startsWith(`${SERVER_ROOT}${path.sep}`)) return undefined;
  return file;
}

/**
 * Starts recording, before the app loads (in the thread that loads it); `report` gets each
 * file once, in batches. The returned function reports what loaded since the last look, at once.
 */
export function recordSources(report: (files: string[]) => void): () => void {
  const { port1, port2 } = new MessageChannel();
  register(new URL('./source-hooks.js', import.meta.url), { data: { port: port2 }, transferList: [port2] });
  const cache = createRequire(import.meta.url).cache;
  const reported = new Set<string>();
  const look = () => {
    const fresh: string[] = [];
    const consider = (id: string) => {
      const file = appFile(id);
      if (file && !reported.has(file)) {
        reported.add(file);
        fresh.push(file);
      }
    };
    // The hooks posted before each load finished: what has loaded is in the port's queue now.
    for (let message = receiveMessageOnPort(port1); message; message = receiveMessageOnPort(port1)) consider(message.message as string);
    for (const id of Object.keys(cache)) consider(id);
    if (fresh.length) report(fresh);
  };
  setInterval(look, LOOK_EVERY_MS).unref();
  return look;
}
