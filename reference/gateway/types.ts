// The gateway interface: an app is a fetch-style handler, `(request, environ) => Response`, or an
// object with `fetch` (so a Hono app runs unchanged). `environ` is the WSGI/CGI view of the
// request with gunicorn's rules; it keeps what a Request normalises away (raw target, duplicates).

export interface Environ {
  REQUEST_METHOD: string;
  SCRIPT_NAME: string;
  PATH_INFO: string;
  QUERY_STRING: string;
  RAW_URI: string;
  SERVER_NAME: string;
  SERVER_PORT: string;
  SERVER_PROTOCOL: string;
  SERVER_SOFTWARE: string;
  REMOTE_ADDR: string;
  REMOTE_PORT: string;
  CONTENT_TYPE?: string;
  CONTENT_LENGTH?: string;
  [httpHeader: `HTTP_${string}`]: string;
  'wsgi.version': [1, 0];
  'wsgi.url_scheme': 'http' | 'https';
  'wsgi.multithread': boolean;
  'wsgi.multiprocess': boolean;
  'wsgi.run_once': false;
  'wsgi.input_terminated': true;
}

/**
 * A response the fetch Response class cannot express (a body on 204, hop-by-hop headers): the
 * server applies its rules to it all the same. Headers keep their order and duplicates.
 */
export interface RawResponse {
  status: number;
  statusText?: string;
  headers?: Array<[string, string]>;
  body?: string | Uint8Array | AsyncIterable<Uint8Array | string> | null;
}

export type AppResult = Response | RawResponse;

/** An app's result that is no answer: said in one line, without a stack (nothing in the server failed). */
export class NotAnAnswer extends Error {
  override name = 'NotAnAnswer';
}

/** Throws NotAnAnswer unless the app returned a Response or a RawResponse (an object with a numeric status). */
export function checkAnswer(result: unknown): asserts result is AppResult {
  if (result instanceof Response) return;
  if (typeof result === 'object' && result !== null && Number.isInteger((result as { status?: unknown }).status)) return;
  const what =
    result === undefined || result === null ? String(result)
    : typeof result === 'string' ? 'a string'
    : typeof result === 'object' ? 'an object without a numeric status'
    : `a ${typeof result}`;
  throw new NotAnAnswer(`the app returned ${what}, not a Response (or {status, headers?, body?})`);
}
export type Handler = (request: Request, environ: Environ) => AppResult | Promise<AppResult>;
export type App = Handler | { fetch: Handler };

export function handlerOf(app: App): Handler {
  if (typeof app === 'function') return app;
  if (app && typeof app.fetch === 'function') return app.fetch.bind(app);
  throw new TypeError('the app must be a function (request, environ) => Response or an object with fetch()');
}
