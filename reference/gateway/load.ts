// "module:export" (default export when no name): what the command line's APP names. Apps may be
// TypeScript: tsx is loaded on first use, in workers (never in the master unless --preload).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { handlerOf, type Handler } from './types.ts';

export async function loadApp(spec: string): Promise<Handler> {
  const colon = spec.lastIndexOf(':');
  const [file, name] = colon > 1 ? [spec.slice(0, colon), spec.slice(colon + 1)] : [spec, 'default'];
  const url = pathToFileURL(path.resolve(file)).href;
  // tsx's scoped import, not a global register(): a .ts app in a package without "type": "module"
  // (npm's default) is compiled as CommonJS, and register() + import() then fails with
  // ERR_REQUIRE_CYCLE_MODULE; tsImport loads it, with its exports one level down.
  const loaded = /\.[cm]?tsx?$/.test(file) ? await (await import('tsx/esm/api')).tsImport(url, import.meta.url) : await import(url);
  const module = loaded.default?.__esModule ? loaded.default : loaded;
  if (!(name in module)) throw new Error(`${file} has no export "${name}"`);
  return handlerOf(module[name]);
}
