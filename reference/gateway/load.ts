// "module:export" (default export when no name): what the command line's APP names. Apps may be
// TypeScript: tsx is loaded on first use, in workers (never in the master unless --preload).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { handlerOf, type Handler } from './types.ts';

export async function loadApp(spec: string): Promise<Handler> {
  const colon = spec.lastIndexOf(':');
  const [file, name] = colon > 1 ? [spec.slice(0, colon), spec.slice(colon + 1)] : [spec, 'default'];
  const url = pathToFileURL(path.resolve(file)).href;
  // tsx's scoped loaders, not a global register(): a .ts app in a package without "type": "module"
  // (npm's default) is CommonJS, and register() + import() then fails with
  // ERR_REQUIRE_CYCLE_MODULE. Such an app is required (tsImport would load it from a data: URL,
  // and every frame of its stacks would be a copy of the compiled module); an ESM one imported.
  const typescript = /\.[cm]?tsx?$/.test(file);
  const loaded = !typescript
    ? await import(url)
    : loadsAsCommonJs(file)
      ? (await import('tsx/cjs/api')).require(path.resolve(file), import.meta.url)
      : await (await import('tsx/esm/api')).tsImport(url, import.meta.url);
  const module = loaded.default?.__esModule ? loaded.default : loaded;
  if (!(name in module)) throw new Error(`${file} has no export "${name}"`);
  return handlerOf(module[name]);
}

/** Whether Node reads this TypeScript file as CommonJS: .cts, or .ts in a package without "type": "module". */
function loadsAsCommonJs(file: string): boolean {
  if (/\.cts$/.test(file)) return true;
  if (/\.mts$/.test(file)) return false;
  for (let dir = path.dirname(path.resolve(file)); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        return JSON.parse(fs.readFileSync(manifest, 'utf8')).type !== 'module';
      } catch {
        return true; // Node reads an unreadable package.json's files as CommonJS too
      }
    }
    if (path.dirname(dir) === dir) return true;
  }
}

/** Where the server's own modules are (not the kit's probes, which are apps): no help to an app's author. */
const SERVER_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/**
 * A load error as the app's author needs it: the message (esbuild's names the file and line) and
 * the frames in the app's own files, without Node's loader, node_modules (esbuild, tsx) or this kit.
 */
export function loadErrorWords(error: unknown): string {
  if (!(error instanceof Error) || !error.stack) return String(error);
  const lines = error.stack.split('\n');
  const isFrame = (line: string) => /^\s+at /.test(line);
  const theApps = (line: string) => !/\(node:|\bat node:|\/node_modules\//.test(line) && !line.includes(`${SERVER_ROOT}${path.sep}`);
  return lines.filter((line) => !isFrame(line) || theApps(line)).join('\n');
}
