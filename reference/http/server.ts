// One HTTP server per worker on Node's own parser (llhttp). Connections are fed to it by the
// worker's accept gate; limits gunicorn applies per line are checked on the parsed request.
import http from 'node:http';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { keepPeerAddress, lazyEnviron, schemeOf, type EnvironContext } from '../gateway/environ.ts';
import { lazyRequest, NativeRequest } from '../gateway/lazy-request.ts';
import { checkAnswer, NotAnAnswer, type AppResult, type Handler } from '../gateway/types.ts';
import { log } from '../log.ts';
import type { Settings } from '../settings.ts';
import type { AccessLog } from './access-log.ts';
import { sendError } from './errors.ts';
import { answersRefusedLine, requestHeadParsed } from './request-lines.ts';
import { lastRequest, noteRequest } from './last-request.ts';
import { respond } from './respond.ts';

/** A header of the app's answer, by lower-case name (the first, for a raw answer's repeated one). */
function headerOf(result: AppResult, name: string): string | null | undefined {
  if (result instanceof Response) return result.headers.get(name);
  return result.headers?.find(([n]) => n.toLowerCase() === name)?.[1];
}

export interface HttpHooks {
  /** Sync workers answer every request with Connection: close. */
  closeEachResponse: boolean;
  /** Told when a request starts (max_requests counts requests, as gunicorn's nr does). */
  onRequest(): void;
  /** True once the worker is shutting down: responses then say Connection: close. */
  stopping(): boolean;
  /** A body with no byte for this long ends its request (408); 0: never (sync: timeout bounds the whole request). */
  bodyStallMs: number;
  accessLog?: AccessLog;
  /** Told of each answer sent: its status and how long the request took (StatsD). */
  answered?(status: number, ms: number): void;
}

/** On a connection whose stream was refused: the one error answer is on its way. */
const REFUSED = Symbol('prefork.refused');

// uri-host [ ":" port ] (RFC 9110 4.2.3, RFC 3986 3.2.2): an IP literal, or a reg-name of
// unreserved, sub-delims and percent-encoded octets (an IPv4 address is one); empty is allowed.
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)(?::[0-9]*)?$/;

/**
 * Hosts lately found fit for a URL: a worker sees a handful, so most requests skip new URL().
 * Bounded, so a client that sends a new Host each time costs one parse per request, no memory.
 */
const urlHosts = new Set<string>();
const URL_HOSTS_KEPT = 64;

/** Whether the WHATWG URL parser takes this authority (it refuses port 99999, 999.1.1.1, a%00b; Node 20's also xn--a). */
function urlTakesHost(host: string): boolean {
  if (urlHosts.has(host)) return true;
  if (!URL.canParse(`http://${host}/`)) return false;
  if (urlHosts.size >= URL_HOSTS_KEPT) urlHosts.clear();
  urlHosts.add(host);
  return true;
}

/**
 * RFC 9112 3.2: no Host in an HTTP/1.1 request, several, or an invalid one is answered 400; so is
 * one the app's Request URL cannot carry (rather than a URL with another authority).
 */
export function hostViolation(rawHeaders: string[], httpVersion: string): string | undefined {
  const hosts: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i].length === 4 && rawHeaders[i].toLowerCase() === 'host') hosts.push(rawHeaders[i + 1]);
  if (hosts.length > 1) return `${hosts.length} Host header fields`;
  if (hosts.length === 0) return httpVersion === '1.0' ? undefined : 'Missing Host header';
  const host = hosts[0];
  return HOST.test(host) && (host === '' || urlTakesHost(host)) ? undefined : `Invalid Host header: ${host.slice(0, 100)}`;
}

const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * An absolute-form target (RFC 9112 3.2.2) must be a URI; one with userinfo is treated as an
 * error (RFC 9110 4.2.4), as fetch refuses a Request URL with credentials.
 */
export function targetViolation(target: string): string | undefined {
  if (target.startsWith('/') || !ABSOLUTE_FORM.test(target)) return undefined;
  const url = URL.parse(target);
  if (!url) return `Invalid request target: ${target.slice(0, 100)}`;
  return url.username || url.password ? 'Userinfo in the request target' : undefined;
}

/** gunicorn's per-line limits, checked after llhttp parsed the head (it only bounds the total). */
function limitViolation(req: http.IncomingMessage, settings: Settings): [number, string] | undefined {
  // llhttp lets a version-less request line through as HTTP/0.9; gunicorn refuses it.
  if (req.httpVersionMajor !== 1) return [400, `Invalid HTTP Version: ${req.httpVersion}`];
  // "METHOD SP target SP HTTP/x.y", measured without building it.
  const lineLength = (req.method?.length ?? 0) + (req.url?.length ?? 0) + req.httpVersion.length + 7;
  if (settings.limitRequestLine && lineLength > settings.limitRequestLine) return [400, `Request Line is too large (${lineLength} > ${settings.limitRequestLine})`];
  const raw = req.rawHeaders;
  const host = hostViolation(raw, req.httpVersion) ?? targetViolation(req.url ?? '/');
  if (host) return [400, host];
  if (settings.limitRequestFields && raw.length / 2 > settings.limitRequestFields) return [431, 'Too many header fields'];
  for (let i = 0; i < raw.length; i += 2) {
    const size = raw[i].length + 2 + raw[i + 1].length + 2;
    if (settings.limitRequestFieldSize && size > settings.limitRequestFieldSize) return [431, `Header field too large: ${raw[i]}`];
  }
  return undefined;
}

/**
 * The target URI (RFC 9112 section 3.3): an origin-form target is appended to the Host's origin,
 * never resolved against it (resolving reads "//evil.example/x" as an authority); an
 * absolute-form target is its own URI.
 */
export function targetUrl(target: string, authority: string, scheme = 'http'): string {
  if (ABSOLUTE_FORM.test(target)) return new URL(target).href;
  return new URL(`${scheme}://${authority}${target.startsWith('/') ? target : `/${target}`}`).href;
}

/** The app's Request: method and url at once, the rest (headers, body) only if the app asks. */
function toRequest(req: http.IncomingMessage, context: EnvironContext): Request {
  const method = req.method ?? 'GET';
  const urlOf = () => {
    const { host, port } = context.serverOf(req.socket);
    // Without a Host (HTTP/1.0) or with an empty one (RFC 9112 3.3), the bound address names the
    // origin (a unix socket has none): an empty authority would make the path's first segment
    // the URL's host. Host and target were checked before the app ran: this cannot throw.
    const bound = port === 0 ? 'localhost' : `${host.includes(':') ? `[${host}]` : host}:${port}`;
    return targetUrl(req.url ?? '/', req.headers.host || bound, schemeOf(req.socket));
  };
  return lazyRequest(method, urlOf, (url) => {
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      try {
        headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
      } catch {
        // a header fetch refuses stays visible in environ
      }
    }
    // fetch reads "get" and "head" as GET and HEAD (it normalises their case) and refuses them a body.
    const upper = method.toUpperCase();
    const hasBody = upper !== 'GET' && upper !== 'HEAD';
    return new NativeRequest(url, {
      method,
      headers,
      body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
      duplex: 'half',
    } as RequestInit);
  }, () => fieldPairs(req.rawHeaders));
}

/**
 * Request bodies still arriving, looked at by one timer per worker (a POST's body is rarely
 * complete when its head is parsed: a timer each would cost every such request).
 */
const arriving = new Map<http.IncomingMessage, { res: http.ServerResponse; limitMs: number; bytes: number; since: number }>();
let bodyTimer: NodeJS.Timeout | undefined;

/**
 * A request body the client stops sending would hold whatever waits for it (a gthread slot, an
 * app's read, the connection) for ever. With no byte for `limitMs` while the server could take
 * more, the request ends: 408 and a close, or only the close once the answer began. A slow body
 * that keeps coming is never cut (sync's per-request timeout is another rule).
 */
function watchBody(req: http.IncomingMessage, res: http.ServerResponse, limitMs: number): void {
  arriving.set(req, { res, limitMs, bytes: req.socket.bytesRead, since: Date.now() });
  bodyTimer ??= setInterval(checkBodies, 250).unref();
  // A request in the watch lives until its next look: one answered whole leaves at once, so that
  // requests under load do not outlive V8's young-generation collections (a worker's memory grew
  // to 3-4x a Node cluster worker's when every request was held so).
  res.once('finish', () => {
    if (req.complete) arriving.delete(req);
  });
}

/** Whether a request's head announces a body (RFC 9112 6.3: Transfer-Encoding, or a Content-Length other than 0). */
function announcesBody(raw: string[]): boolean {
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') return true;
    if (name.length === 14 && name.toLowerCase() === 'content-length' && raw[i + 1].trim() !== '0') return true;
  }
  return false;
}

/** How many request bodies the watch holds (a test's view: only bodies still arriving belong there). */
export function bodiesWatched(): number {
  return arriving.size;
}

function checkBodies(): void {
  const now = Date.now();
  for (const [req, watch] of arriving) {
    if (req.complete || req.socket.destroyed) {
      arriving.delete(req);
      continue;
    }
    // A body the app does not read fills the request's buffer: then the wait is the server's.
    if (req.socket.bytesRead !== watch.bytes || req.readableLength >= req.readableHighWaterMark) {
      watch.bytes = req.socket.bytesRead;
      watch.since = now;
      continue;
    }
    if (now - watch.since < watch.limitMs) continue;
    arriving.delete(req);
    log('info', `Request body stalled: no byte for ${watch.limitMs / 1000} s (${req.method} ${req.url}); closing`);
    if (watch.res.headersSent) req.socket.destroy();
    else sendError(req.socket, 408, 'Request Timeout');
  }
  if (arriving.size === 0) {
    clearInterval(bodyTimer);
    bodyTimer = undefined;
  }
}

function fieldPairs(raw: string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < raw.length; i += 2) pairs.push([raw[i].toLowerCase(), raw[i + 1]]);
  return pairs;
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

export function createHttpServer(settings: Settings, handler: Handler, context: EnvironContext, hooks: HttpHooks): http.Server {
  const maxHeaderSize = Math.min(settings.limitRequestLine + settings.limitRequestFields * settings.limitRequestFieldSize + 1024, 1 << 23) || 1 << 23;
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!requestHeadParsed(server, req)) return;
    noteRequest(req);
    const violation = limitViolation(req, settings);
    if (violation) return sendError(req.socket, violation[0], violation[1]);
    hooks.onRequest();
    // Node parses a request's end after its 'request' event, so `complete` is false here even
    // without a body: the head says whether one comes.
    if (!req.complete && hooks.bodyStallMs > 0 && announcesBody(req.rawHeaders)) watchBody(req, res, hooks.bodyStallMs);
    const close = hooks.closeEachResponse || hooks.stopping() || settings.keepalive === 0;
    const failed = (error: unknown) => {
      // The app's read of the body failed because the client left before sending it all: no
      // error of the app's, and nobody to answer (gunicorn logs this at debug level too).
      if (!req.complete && req.socket.destroyed) return log('debug', `Ignored premature client disconnection during ${req.method} ${req.url}: ${(error as Error).message ?? error}`);
      log('error', `Error handling request ${req.url}: ${error instanceof NotAnAnswer ? error.message : ((error as Error).stack ?? error)}`);
      sendError(req.socket, 500, 'Internal Server Error');
    };
    const started = hooks.answered || hooks.accessLog ? performance.now() : 0;
    const answer = (result: AppResult) => {
      const logSent = (sent: number) => {
        const tookMs = performance.now() - started;
        hooks.accessLog?.log({ req, status: res.statusCode, responseHeader: (name) => headerOf(result, name), sent, tookMs });
        hooks.answered?.(res.statusCode, tookMs);
      };
      const cut = (error: Error) => {
        // After the headers: close without ending the body, so the client sees it is cut.
        log('error', `Error writing the response to ${req.url}: ${error.message}`);
        req.socket.destroy();
      };
      try {
        checkAnswer(result);
        const sent = respond(res, result, { close });
        if (typeof sent === 'number') logSent(sent);
        else {
          // A streamed body (the app's code) and the log line after it may read the peer once
          // the socket is gone.
          keepPeerAddress(req.socket);
          sent.then(logSent, cut);
        }
      } catch (error) {
        // Thrown before anything was sent (a header the fetch classes refuse): the app's fault.
        if (res.headersSent) cut(error as Error);
        else failed(error);
      }
    };
    // Most apps answer synchronously: no promise, no extra turn of the microtask queue.
    let result;
    try {
      result = handler(toRequest(req, context), lazyEnviron(req, context));
    } catch (error) {
      return failed(error);
    }
    if (isPromise(result)) {
      // The app goes on after this turn: its environ may be read once the client has gone.
      keepPeerAddress(req.socket);
      result.then(answer, failed);
    } else answer(result);
  };
  const server = http.createServer({ maxHeaderSize, requestTimeout: 0, noDelay: true }, onRequest);
  // An Expect other than 100-continue: Node would answer 417 itself, outside the worker's
  // bookkeeping (the connection then never idled out and held a sync worker for good). Served
  // like any request instead, as gunicorn does (RFC 9110 10.1.1: 417 is a MAY).
  server.on('checkExpectation', onRequest);
  // A client that half-closes after its request (FIN: nothing more to send) still gets its answer,
  // then the close, as from gunicorn: Node otherwise aborts the request in flight on the FIN.
  (server as unknown as { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  // Idle keep-alive connections are closed by the worker's own timer (workers/base.ts): Node
  // 20's keepAliveTimeout overshoots by a second or more.
  server.keepAliveTimeout = 0;
  server.on('clientError', (error: NodeJS.ErrnoException, duplex) => {
    const socket = duplex as Socket & Record<symbol, unknown>;
    const code = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    if (error.code === 'ECONNRESET') return socket.destroy();
    // One answer to a broken stream: the parser repeats its error on every later read, and the
    // connection lingers to let the answer arrive (workers/connections.ts) rather than reset.
    if (socket[REFUSED]) return;
    if (!socket.writable) return socket.destroy();
    socket[REFUSED] = true;
    // An error inside the last request's own body (a bad chunk) is answered at once: that request
    // can never complete.
    const last = lastRequest(socket);
    if (!last || !last.complete) return sendError(socket, code, error.message);
    // Garbage pipelined behind requests is parsed before they are answered: their answers go
    // first, in order (Node sends a queued response once the one before it has finished), then
    // the error, then the close. The socket keeps being read meanwhile (each read repeats the
    // parser's error, ignored above), as during the linger that follows the close.
    const afterAnswers = () => {
      const current = (socket as unknown as { _httpMessage?: http.ServerResponse | null })._httpMessage;
      if (current && !current.writableFinished && !answersRefusedLine(current)) current.once('finish', afterAnswers);
      else sendError(socket, code, error.message);
    };
    afterAnswers();
  });
  return server;
}
