// Installed in every worker thread that runs the app, before the app loads: the light Response and
// the lazy-aware Request and fetch (see lazy-request.ts, light-response.ts). PREFORK_NATIVE_FETCH=1
// keeps Node's own classes (slower; for an app that depends on something this gets wrong).
import { materialize, PreforkRequest } from './lazy-request.ts';
import { LightResponse } from './light-response.ts';

export function installFetchGlobals(): void {
  if (process.env.PREFORK_NATIVE_FETCH === '1') return;
  const nativeFetch = globalThis.fetch;
  globalThis.Response = LightResponse;
  globalThis.Request = PreforkRequest as unknown as typeof Request;
  globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) => nativeFetch(materialize(input) as RequestInfo, init)) as typeof fetch;
}
