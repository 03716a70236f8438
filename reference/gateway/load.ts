// "module:export" (default export when no name): what the command line's APP names. Apps may be
// TypeScript: tsx is loaded on first use, in workers (never in the master unless --preload).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { handlerOf, type Handler } from './types.ts';

/** "file:export" (the default export when no name) to the file and the export's name. */
export function appParts(spec: string): { file: string; name: string } {
  const colon = spec.lastIndexOf(':');
  return colon > 1 ? { file: spec.slice(0, colon), name: spec.slice(colon + 1) } : { file: spec, name: 'default' };
}

/** The app `spec` names; `say` is told which loader runs a TypeScript app (one line). */
export async function loadApp(spec: string, say?: (line: string) => void): Promise<Handler> {
  const { file, name } = appParts(spec);
  const url = pathToFileURL(path.resolve(file)).href;
  const loaded = /\.[cm]?tsx?$/.test(file) ? await loadTypeScript(file, url, say) : await import(url);
  const module = loaded.default?.__esModule ? loaded.default : loaded;
  if (!(name in module)) throw new Error(`${file} has no export "${name}"`);
  return handlerOf(module[name]);
}

/**
 * What Node cannot load of TypeScript itself: syntax that is more than types (enum, namespace,
 * parameter properties), .tsx, imports only a compiler resolves (no extension, tsconfig paths),
 * and ESM syntax in a "type": "commonjs" package (a SyntaxError, as a broken file's is: tsx then
 * says where, as esbuild does). Failing on them happens before any module of the app runs, so
 * tsx can start afresh.
 */
const NEEDS_A_COMPILER = new Set(['ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX', 'ERR_UNKNOWN_FILE_EXTENSION', 'ERR_MODULE_NOT_FOUND', 'ERR_UNSUPPORTED_DIR_IMPORT']);

async function loadTypeScript(file: string, url: string, say?: (line: string) => void): Promise<Record<string, unknown>> {
  const native = await nativeTypeScript(url);
  if ('module' in native) {
    say?.(`Loading ${file} with Node's type stripping`);
    return native.module;
  }
  say?.(`Loading ${file} with tsx (${native.why})`);
  // tsx's scoped loaders, not a global register(): a .ts app in a package without "type": "module"
  // (npm's default) is CommonJS, and register() + import() then fails with
  // ERR_REQUIRE_CYCLE_MODULE. Such an app is required (tsImport would load it from a data: URL,
  // and every frame of its stacks would be a copy of the compiled module); an ESM one imported.
  return loadsAsCommonJs(file)
    ? (await import('tsx/cjs/api')).require(path.resolve(file), import.meta.url)
    : await (await import('tsx/esm/api')).tsImport(url, import.meta.url);
}

/**
 * The app loaded by Node's own type stripping (22.18+, 24), or why not: Node has none, or the app
 * needs a compiler. No esbuild service per worker, a faster boot, plain file frames.
 */
async function nativeTypeScript(url: string): Promise<{ module: Record<string, unknown> } | { why: string }> {
  // Node 22.18+ and 24 say 'strip' or 'transform' (Node 20's types do not know the field).
  if (!(process.features as { typescript?: string | false }).typescript) return { why: 'this Node strips no types' };
  try {
    return { module: await import(url) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (error instanceof SyntaxError || NEEDS_A_COMPILER.has(code)) return { why: `Node's type stripping refused it: ${code || (error as Error).name}` };
    throw error;
  }
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
export const SERVER_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

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
