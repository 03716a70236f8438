// "module:export" (default export when no name): what the command line's APP names. Apps may be
// TypeScript: tsx is registered on first use, in workers (never in the master unless --preload).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { handlerOf, type Handler } from './types.ts';

let typescriptReady: Promise<void> | undefined;

export async function loadApp(spec: string): Promise<Handler> {
  const colon = spec.lastIndexOf(':');
  const [file, name] = colon > 1 ? [spec.slice(0, colon), spec.slice(colon + 1)] : [spec, 'default'];
  if (/\.[cm]?tsx?$/.test(file)) typescriptReady ??= import('tsx/esm/api').then(({ register }) => void register());
  await typescriptReady;
  const module = await import(pathToFileURL(path.resolve(file)).href);
  if (!(name in module)) throw new Error(`${file} has no export "${name}"`);
  return handlerOf(module[name]);
}
