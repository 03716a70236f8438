// "module:export" (default export when no name): what the command line's APP names.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { handlerOf, type Handler } from './types.ts';

export async function loadApp(spec: string): Promise<Handler> {
  const colon = spec.lastIndexOf(':');
  const [file, name] = colon > 1 ? [spec.slice(0, colon), spec.slice(colon + 1)] : [spec, 'default'];
  const module = await import(pathToFileURL(path.resolve(file)).href);
  if (!(name in module)) throw new Error(`${file} has no export "${name}"`);
  return handlerOf(module[name]);
}
