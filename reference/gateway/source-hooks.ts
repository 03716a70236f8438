// Loader hooks for --reload (registered by app-sources.ts): each file an ES module is loaded from
// is told to the thread that registered them. Nothing is changed: the next hook, or Node, loads it.
// (CommonJS modules are in the require cache; ES modules have no cache anyone can read.)
import type { InitializeHook, LoadHook } from 'node:module';
import type { MessagePort } from 'node:worker_threads';

let told: MessagePort | undefined;

export const initialize: InitializeHook<{ port: MessagePort }> = ({ port }) => {
  told = port;
};

export const load: LoadHook = (url, context, nextLoad) => {
  if (url.startsWith('file:')) told?.postMessage(url);
  return nextLoad(url, context);
};
