// Writing the app's answer: the server owns framing and hop-by-hop headers, Date and Server;
// bytes beyond a declared Content-Length are never sent; HEAD/204/304 bodies are dropped (Node's
// ServerResponse ignores body writes for them).
import type { ServerResponse } from 'node:http';
import { simpleParts, type SimpleResponse } from '../gateway/light-response.ts';
import type { AppResult, RawResponse } from '../gateway/types.ts';

export const SERVER_NAME = 'prefork';

const SERVER_OWNED = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailers',
  'transfer-encoding', 'upgrade', 'server', 'date',
]);

/** Header fields as the server sends them (its own Server, no hop-by-hop) and any Content-Length. */
function head(headers: Iterable<[string, string]>, close: boolean): { flat: string[]; length: number } {
  const flat: string[] = ['Server', SERVER_NAME];
  let length = Infinity;
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (SERVER_OWNED.has(lower)) continue;
    if (lower === 'content-length') length = Number(value);
    flat.push(name, value);
  }
  if (close) flat.push('Connection', 'close');
  return { flat, length };
}

/** A string or byte body known up front: one write, with a Content-Length if the app gave none. */
function respondSimple(res: ServerResponse, { status, statusText, headers, body }: SimpleResponse, options: { close: boolean }): number {
  const { flat, length } = head(headers, options.close);
  // A string that fits is handed to Node as it is: Node joins it to the head in one string and
  // one write, where bytes go with the head as a second buffer through the stream's writev path
  // (~2 us more per request in a hello-world app). Node writes that joined string as UTF-8, so
  // only a head of ASCII goes that way: a latin-1 byte in it would become two.
  let bytes: string | Buffer | null =
    body === null ? null : typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  let size = typeof bytes === 'string' ? Buffer.byteLength(bytes, 'utf8') : (bytes?.length ?? 0);
  if (typeof bytes === 'string' && (size > length || !asciiHead(flat, statusText))) bytes = Buffer.from(bytes, 'utf8');
  if (bytes && length === Infinity) flat.push('Content-Length', String(size));
  if (bytes instanceof Buffer && size > length) {
    bytes = bytes.subarray(0, length);
    size = length;
  }
  if (options.close) res.shouldKeepAlive = false;
  res.writeHead(status, statusText || undefined, flat);
  if (bytes !== null) res.end(bytes);
  else res.end();
  return bytes !== null && carriesBody(res, status) ? size : 0;
}

const NOT_ASCII = /[^\x00-\x7f]/;

function asciiHead(flat: string[], statusText: string): boolean {
  if (NOT_ASCII.test(statusText)) return false;
  for (let i = 1; i < flat.length; i += 2) if (NOT_ASCII.test(flat[i])) return false;
  return true;
}

/** Node's ServerResponse drops body writes to HEAD/204/304: they never reach the wire. */
function carriesBody(res: ServerResponse, status: number): boolean {
  return res.req.method !== 'HEAD' && status !== 204 && status !== 304;
}

export interface Normalised {
  status: number;
  statusText?: string;
  headers: Array<[string, string]>;
  body: AsyncIterable<Uint8Array | string> | null;
}

function isRaw(result: AppResult): result is RawResponse {
  return !(result instanceof Response);
}

export function normalise(result: AppResult): Normalised {
  if (isRaw(result)) {
    const { body } = result;
    const iterable = body == null ? null : typeof body === 'string' || body instanceof Uint8Array ? [body] : body;
    return { status: result.status, statusText: result.statusText, headers: result.headers ?? [], body: iterable as AsyncIterable<Uint8Array | string> | null };
  }
  const headers: Array<[string, string]> = [];
  result.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers.push([name, value]);
  });
  for (const cookie of result.headers.getSetCookie()) headers.push(['set-cookie', cookie]);
  return { status: result.status, statusText: result.statusText || undefined, headers, body: result.body as AsyncIterable<Uint8Array> | null };
}

/**
 * Sends the response; the body bytes sent, at once for a simple body, else when the body ended
 * (rejects if the body fails after the headers went out: the caller destroys the connection).
 */
export function respond(res: ServerResponse, result: AppResult, options: { close: boolean }): number | Promise<number> {
  const simple = simpleParts(result) ?? sizedBytes(result);
  return simple ? respondSimple(res, simple, options) : respondStreaming(res, result, options);
}

/**
 * A raw answer of bytes with its Content-Length (what a gthread thread sends back) frames the same
 * either way, so it takes the one-write path. Others stream: a string body there is latin-1, and
 * an answer without a length is chunked on HTTP/1.1.
 */
function sizedBytes(result: AppResult): SimpleResponse | undefined {
  if (!isRaw(result) || !(result.body instanceof Uint8Array)) return undefined;
  const headers = result.headers ?? [];
  if (!headers.some(([name]) => name.toLowerCase() === 'content-length')) return undefined;
  return { status: result.status, statusText: result.statusText ?? '', headers, body: result.body };
}

async function respondStreaming(res: ServerResponse, result: AppResult, options: { close: boolean }): Promise<number> {
  const { status, statusText, headers, body } = normalise(result);
  const { flat, length } = head(headers, options.close);
  let remaining = length;
  let sent = 0;
  if (options.close) res.shouldKeepAlive = false;
  res.writeHead(status, statusText, flat);
  if (body) {
    for await (const piece of body) {
      if (remaining <= 0) break;
      let bytes = typeof piece === 'string' ? Buffer.from(piece, 'latin1') : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
      if (bytes.length > remaining) bytes = bytes.subarray(0, remaining);
      remaining -= bytes.length;
      sent += bytes.length;
      // A client that went away never drains: stop reading the body (a gthread thread waits on it).
      if (!res.write(bytes) && (await drainedOrClosed(res)) === 'closed') break;
    }
  }
  if (res.destroyed) return sent;
  await new Promise<void>((resolve) => res.end(resolve));
  return carriesBody(res, status) ? sent : 0;
}

function drainedOrClosed(res: ServerResponse): Promise<'drained' | 'closed'> {
  if (res.destroyed) return Promise.resolve('closed');
  return new Promise((resolve) => {
    const drained = () => (res.off('close', closed), resolve('drained'));
    const closed = () => (res.off('drain', drained), resolve('closed'));
    res.once('drain', drained);
    res.once('close', closed);
  });
}
