// globalThis.Response in workers: `new Response('hello')` only records its arguments. The server
// sends a string or byte body straight from them (respond.ts); anything else an app or library
// asks of it (headers, body, text(), clone()...) builds Node's real Response and forwards to it.
// Arguments the real constructor would refuse are handed to it at once, so errors stay the same.
import { delegateTo } from './delegate.ts';

export const NativeResponse = globalThis.Response;

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);
const kLight = Symbol('prefork.lightResponse');

interface LightState {
  body: BodyInit | null | undefined;
  init: ResponseInit | undefined;
  real?: Response;
}
type Light = { [kLight]: LightState };

function real(self: object): Response {
  const state = (self as Light)[kLight];
  return (state.real ??= new NativeResponse(state.body, state.init));
}

function plainArguments(body: unknown, init: ResponseInit | undefined): boolean {
  if (init === undefined) return true;
  if (typeof init !== 'object' || init === null) return false;
  const { status } = init;
  if (status === undefined) return true;
  if (!Number.isInteger(status) || status < 200 || status > 599) return false;
  return !(NULL_BODY_STATUS.has(status) && body != null);
}

class LightResponseClass {
  declare [kLight]: LightState;

  constructor(body?: BodyInit | null, init?: ResponseInit) {
    this[kLight] = { body, init };
    if (!plainArguments(body, init)) real(this); // throws the native error
  }

  /** As the native Response.json(), as a light response: the most common JSON answer takes the one-write path. */
  static json(data: unknown, init?: ResponseInit): Response {
    const text = JSON.stringify(data);
    // What the native one refuses (data JSON cannot say, a null-body status), it refuses itself.
    if (text === undefined || !plainArguments(text, init)) return NativeResponse.json(data, init);
    let headers: HeadersInit = { 'content-type': 'application/json' };
    if (init?.headers !== undefined) {
      headers = new Headers(init.headers);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    }
    return new LightResponseClass(text, { ...init, headers }) as unknown as Response;
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof NativeResponse;
  }
}
Object.setPrototypeOf(LightResponseClass.prototype, NativeResponse.prototype);
Object.setPrototypeOf(LightResponseClass, NativeResponse); // Response.json(), .error(), .redirect()
Object.defineProperty(LightResponseClass.prototype, 'status', {
  configurable: true,
  get(this: Light) {
    const state = this[kLight];
    return state.real ? state.real.status : (state.init?.status ?? 200);
  },
});
delegateTo(LightResponseClass.prototype, NativeResponse.prototype, real);

/** To an app, the Response class itself. */
export const LightResponse = LightResponseClass as unknown as typeof Response;

export interface SimpleResponse {
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
  body: string | Uint8Array | null;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAD_VALUE = /[\r\n\0]/;

/**
 * Header fields of `init.headers` as Headers would list them (lower-case names, a default
 * content type for text), without building a Headers for the common case: a plain object of valid
 * fields. Anything else goes through Headers, which also refuses what it must.
 */
function headerList(init: HeadersInit | undefined, text: boolean): Array<[string, string]> {
  const list: Array<[string, string]> = [];
  let plain = init === undefined || (typeof init === 'object' && Object.getPrototypeOf(init) === Object.prototype);
  if (plain && init) {
    for (const name in init) {
      const value = (init as Record<string, unknown>)[name];
      if (typeof value !== 'string' || !TOKEN.test(name) || BAD_VALUE.test(value)) {
        plain = false;
        break;
      }
      list.push([name.toLowerCase(), value.trim()]);
    }
  }
  if (!plain) {
    list.length = 0;
    new Headers(init).forEach((value, name) => list.push([name, value]));
  }
  if (text && !list.some(([name]) => name === 'content-type')) list.push(['content-type', 'text/plain;charset=UTF-8']);
  return list;
}

/**
 * The parts of a light response nobody has touched yet, when its body is a string or bytes: what
 * the server can send without building streams. undefined otherwise (use the real Response).
 */
export function simpleParts(result: unknown): SimpleResponse | undefined {
  if (!result || typeof result !== 'object' || !(kLight in result)) return undefined;
  const state = (result as Light)[kLight];
  if (state.real) return undefined;
  const { body, init } = state;
  let bytes: string | Uint8Array | null;
  if (body == null) bytes = null;
  else if (typeof body === 'string' || body instanceof Uint8Array) bytes = body;
  else if (body instanceof ArrayBuffer) bytes = new Uint8Array(body);
  else return undefined;
  // As the real Response would: a string body is text/plain unless the app says otherwise.
  const headers = headerList(init?.headers, typeof body === 'string');
  return { status: init?.status ?? 200, statusText: init?.statusText ?? '', headers, body: bytes };
}
