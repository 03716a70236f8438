// The Request an app receives: method and url answer at once; anything else (headers, body,
// signal, clone...) builds Node's real Request on first use and forwards to it. It is an
// instanceof Request, and `new Request(it)` / `fetch(it)` see the real one (fetch-globals.ts).
import { delegateTo } from './delegate.ts';

export const NativeRequest = globalThis.Request;

interface LazyState {
  method: string;
  url?: string;
  urlOf: () => string;
  make: (url: string) => Request;
  /** The header fields as received, for the server's own use (no Request needed). */
  fields?: () => Array<[string, string]>;
  real?: Request;
}

const kLazy = Symbol('prefork.lazyRequest');
type Lazy = { [kLazy]: LazyState };

function real(self: object): Request {
  const state = (self as Lazy)[kLazy];
  return (state.real ??= state.make(state.url ??= state.urlOf()));
}

/** The real Request behind a lazy one; anything else is returned as it is. */
export function materialize<T>(input: T): T | Request {
  return input && typeof input === 'object' && kLazy in input ? real(input) : input;
}

/** globalThis.Request in workers: the native class, but lazy requests are unwrapped on the way in. */
export class PreforkRequest extends NativeRequest {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(materialize(input) as RequestInfo, init);
  }
  static [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof NativeRequest;
  }
}

const proto: object = Object.create(PreforkRequest.prototype, {
  method: { configurable: true, get: function (this: Lazy) { return this[kLazy].method; } },
  url: { configurable: true, get: function (this: Lazy) { const s = this[kLazy]; return (s.url ??= s.urlOf()); } },
});
delegateTo(proto, NativeRequest.prototype, real);

export function lazyRequest(method: string, urlOf: () => string, make: (url: string) => Request, fields?: () => Array<[string, string]>): Request {
  const request = Object.create(proto) as Lazy;
  request[kLazy] = { method, urlOf, make, fields };
  return request as unknown as Request;
}

/** Header fields of a request without building it, if it is a lazy one nobody opened yet. */
export function headerFields(request: Request): Array<[string, string]> | undefined {
  const state = (request as unknown as Partial<Lazy>)[kLazy];
  return state && !state.real ? state.fields?.() : undefined;
}
