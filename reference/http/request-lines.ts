// What the reference adds to Node's parser (llhttp) at the start of each request line.
//
// Extension methods. Methods are extensible (RFC 9110 9.1: method = token), and gunicorn,
// Unicorn, Puma and uWSGI hand any token to the app; llhttp knows a fixed list (http.METHODS) and
// answers 400 to anything else. So a request whose method llhttp does not know is given to it
// under a stand-in method, and the app sees the method that was sent.
//
// Lines without a version (HTTP/0.9, "GET /x"). llhttp reads one as the start of a head and waits
// for a blank line that never comes: the client waits for ever, a sync worker with it, a
// kept-alive connection until its idle timeout. gunicorn answers 400 at once; so does this watch.
//
// Both are done only where a request certainly starts: at the start of a read that arrives while
// the parser is between messages (every message it began has been read to its end). A body's
// bytes are never taken for a request line that way; a versionless line whose head ends (llhttp
// takes it for HTTP/0.9) is refused wherever it comes. Left to llhttp: an extension method
// pipelined behind another request in the same read or cut across reads before its first space
// (its 400), and a versionless line pipelined behind a request, its head never ended (the idle
// timeout).
//
// Where it reads. Node's server lets llhttp read a plain connection itself, in C++ ("consumed"):
// a 'data' listener would take every read through JavaScript streams instead, which cost ~2.9 us
// of ~10.6 us per request (async, one worker). So the watch looks at each read after llhttp, from
// the parser's execute callback (its current buffer is the read): a versionless line still
// waiting for its head's end is refused there, one whose head came whole is refused as a request
// (requestHeadParsed), and a read llhttp refused for its method is parsed again, from a reset
// parser, through JavaScript, as is the rest of that connection. A connection Node does not let
// llhttp read (TLS) is watched through JavaScript from the start.
import http from 'node:http';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { lastRequest } from './last-request.ts';

interface ParserBinding {
  kOnMessageBegin: number;
  kOnExecute: number;
  REQUEST: number;
  kLenientNone: number;
  kLenientAll: number;
}
// Node's parser binding: the index of its message-begin callback, which Node itself leaves unset,
// and what resetting a parser as Node's server sets one up takes.
const common = createRequire(import.meta.url)('_http_common') as {
  HTTPParser: ParserBinding;
  calculateLenientFlags?: (validation: unknown, insecure: unknown) => number;
  isLenient?: () => boolean;
};
const { HTTPParser } = common;

const KNOWN = new Set(http.METHODS);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A method llhttp knows and Node treats like any other (not HEAD, not CONNECT). */
const STAND_IN = 'ACL';
/** Longer tokens than this are left to llhttp (and to the request-line limit). */
const LONGEST = 64;
/** A request line is looked at up to this many bytes; a longer one is llhttp's and the limits'. */
const LINE_LOOKED_AT = 8192;
const VERSIONED = / HTTP\/\d+\.\d+$/;
const WATCH = Symbol('prefork.requestLineWatch');

interface Parser {
  [index: number]: unknown;
  getCurrentBuffer?(): Buffer;
  initialize?(type: number, resource: object, maxHeaderSize: number, lenient: number, connections: unknown): void;
}

type Listener = (chunk: Buffer) => void;

/** What the watch knows of a connection. */
interface Watch {
  /** llhttp began a message that has not been read to its end. */
  inside: boolean;
  /** The last request whose head was parsed when the current message began. */
  before?: http.IncomingMessage;
  /** The method a rewritten request was sent with. */
  sent?: string;
  /** A request line is being read: its end has not come yet. */
  readingLine: boolean;
  /** The pieces of a line cut across reads (rare: most lines come whole in one read). */
  cut?: { pieces: Buffer[]; bytes: number };
  /** A line was refused: what comes after it is read and dropped, never parsed. */
  refused?: boolean;
  /** Where llhttp reads the connection itself: stops it reading, once a line was refused. */
  afterRefusal?: () => void;
  /** A versionless line llhttp parsed into a request (HTTP/0.9): refused, never to be answered. */
  refusedRequest?: http.IncomingMessage;
}

/** The watch of a connection, if it has one. */
const watchOf = (socket: Socket) => (socket as unknown as Record<symbol, Watch | undefined>)[WATCH];

const isEmptyLineByte = (byte: number) => byte === 13 || byte === 10;

/** The method a read that starts a request names, if llhttp does not know it. */
export function extensionMethodAt(chunk: Buffer): { start: number; method: string } | undefined {
  let start = 0;
  // llhttp skips empty lines between messages.
  while (start < chunk.length && isEmptyLineByte(chunk[start])) start++;
  const space = chunk.indexOf(32, start);
  if (space <= start || space - start > LONGEST) return undefined;
  const method = chunk.toString('latin1', start, space);
  return KNOWN.has(method) || !TOKEN.test(method) ? undefined : { start, method };
}

/**
 * Reads a request line as it comes: returns the whole line (without CRLF) once its end is in
 * `chunk`; undefined while it goes on, or when it is too long to look at (llhttp and the
 * request-line limit decide then).
 */
function lineFrom(watch: Watch, chunk: Buffer): string | undefined {
  let from = 0;
  if (!watch.cut) while (from < chunk.length && isEmptyLineByte(chunk[from])) from++;
  const end = chunk.indexOf(10, from);
  const bytes = (watch.cut?.bytes ?? 0) + (end < 0 ? chunk.length : end) - from;
  if (bytes >= LINE_LOOKED_AT) {
    watch.readingLine = false;
    watch.cut = undefined;
    return undefined;
  }
  if (end < 0) {
    if (from < chunk.length) {
      watch.cut ??= { pieces: [], bytes: 0 };
      watch.cut.pieces.push(chunk.subarray(from));
      watch.cut.bytes = bytes;
    }
    return undefined;
  }
  const line = watch.cut ? Buffer.concat([...watch.cut.pieces, chunk.subarray(from, end)]).toString('latin1') : chunk.toString('latin1', from, end);
  watch.readingLine = false;
  watch.cut = undefined;
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/**
 * Watches the request lines of a connection Node's http server has just taken (after
 * `server.emit('connection', socket)`); the server must note every request (last-request.ts) and
 * ask `requestHeadParsed` of it. A versionless line is refused through the server's
 * 'clientError', so its 400 waits for the answers due before it. Without the parser internals
 * it relies on, it does nothing: llhttp's behaviour stays.
 */
export function watchRequestLines(server: http.Server, socket: Socket): void {
  const parser = (socket as unknown as { parser?: Parser }).parser;
  const [parse, ...others] = socket.listeners('data') as Listener[];
  if (!parser || typeof parse !== 'function' || others.length > 0 || typeof HTTPParser?.kOnMessageBegin !== 'number') return;
  const watch: Watch = { inside: false, readingLine: false };
  (socket as unknown as Record<symbol, Watch | undefined>)[WATCH] = watch;
  parser[HTTPParser.kOnMessageBegin] = () => {
    watch.inside = true;
    watch.before = lastRequest(socket);
  };
  // llhttp is between messages once the message it began has had its head parsed (a new
  // request) and been read to its end.
  const between = () => {
    if (watch.inside) {
      const current = lastRequest(socket);
      if (current !== watch.before && current?.complete) watch.inside = false;
    }
    return !watch.inside;
  };
  /** Reads go to `listener` instead of llhttp's own reading (Node's 'data' wrapper unconsumes). */
  const throughJs = (listener: Listener) => {
    socket.removeListener('data', parse);
    socket.on('data', listener);
  };
  /** The line a read begins, once whole: refused (true) if it has no version. */
  const refusedLine = (starts: boolean, read: Buffer) => {
    if (starts) {
      watch.readingLine = true;
      watch.cut = undefined;
    }
    if (!watch.readingLine) return false;
    const line = lineFrom(watch, read);
    if (line === undefined || VERSIONED.test(line)) return false;
    refuseLine(server, socket, watch, line);
    return true;
  };
  const onRead = (chunk: Buffer) => {
    // The parser is freed when the connection is upgraded or closed: its listener would be gone.
    if ((socket as unknown as { parser?: Parser }).parser !== parser || watch.refused) return;
    const starts = between();
    if (refusedLine(starts, chunk)) return;
    const found = starts ? extensionMethodAt(chunk) : undefined;
    if (!found) return parse(chunk);
    watch.sent = found.method;
    parse(Buffer.concat([chunk.subarray(0, found.start), Buffer.from(STAND_IN, 'latin1'), chunk.subarray(found.start + found.method.length)]));
  };

  const onExecute = parser[HTTPParser.kOnExecute];
  const consumed = (parser as { _consumed?: boolean })._consumed === true;
  // Through JavaScript, onRead drops what follows a refusal itself.
  if (!consumed || typeof onExecute !== 'function' || typeof parser.getCurrentBuffer !== 'function' || typeof parser.initialize !== 'function') return throughJs(onRead);
  watch.afterRefusal = () => throughJs(() => undefined);
  let nextStarts = true; // a new connection: its first read begins a request
  parser[HTTPParser.kOnExecute] = function (this: unknown, ret: unknown) {
    const starts = nextStarts;
    nextStarts = between();
    if (watch.refused) return;
    const refusedMethod = ret instanceof Error && (ret as NodeJS.ErrnoException).code === 'HPE_INVALID_METHOD';
    // The usual read: it began a message whose head llhttp parsed (a versionless one is refused
    // as a request), so its line needs no look (nor a copy of the read).
    if (starts && !refusedMethod && lastRequest(socket) !== watch.before) {
      watch.readingLine = false;
      watch.cut = undefined;
      return onExecute.call(this, ret);
    }
    if (!watch.readingLine && !starts) return onExecute.call(this, ret);
    const read = parser.getCurrentBuffer!();
    if (starts && refusedMethod && extensionMethodAt(read)) {
      // Parsed again once this callback is over (llhttp's state cannot change inside it).
      process.nextTick(() => {
        resetParser(server, socket, parser);
        watch.inside = false;
        throughJs(onRead);
        onRead(read);
      });
      return;
    }
    if (refusedLine(starts, read)) return;
    return onExecute.call(this, ret);
  };
}

/** A versionless line: answered 400 after the answers due before it; nothing after it is parsed. */
function refuseLine(server: http.Server, socket: Socket, watch: Watch, line: string): void {
  watch.refused = true;
  server.emit('clientError', Object.assign(new Error(`Invalid HTTP request line: ${line.slice(0, 100)}`), { code: 'HPE_INVALID_VERSION' }), socket);
  // Not inside llhttp's own callbacks: its reading stops once they are over.
  if (watch.afterRefusal) process.nextTick(watch.afterRefusal);
}

/** Sets a parser up afresh as Node's server does for a new connection: its callbacks and state stay. */
function resetParser(server: http.Server, socket: Socket, parser: Parser): void {
  const options = server as unknown as { httpValidation?: unknown; insecureHTTPParser?: boolean; maxHeaderSize?: number };
  const lenient = common.calculateLenientFlags
    ? common.calculateLenientFlags(options.httpValidation, options.insecureHTTPParser)
    : (options.insecureHTTPParser ?? common.isLenient?.()) ? HTTPParser.kLenientAll : HTTPParser.kLenientNone;
  const connections = Object.getOwnPropertySymbols(server).find((symbol) => symbol.description === 'http.server.connections');
  parser.initialize!(HTTPParser.REQUEST, { type: 'HTTPINCOMINGMESSAGE', socket }, options.maxHeaderSize || 0, lenient, connections && (server as unknown as Record<symbol, unknown>)[connections]);
}

/**
 * Told of each request head Node parsed, before the server notes it: false when it is refused
 * and nothing may answer it (a versionless line whose head came whole, which llhttp takes for
 * HTTP/0.9, or any request parsed after a refused line). A request parsed under the stand-in gets
 * the method its client sent.
 */
export function requestHeadParsed(server: http.Server, req: http.IncomingMessage): boolean {
  const watch = watchOf(req.socket);
  if (!watch) return true;
  if (watch.refused) return false;
  if (req.httpVersionMajor === 0) {
    watch.refusedRequest = req;
    refuseLine(server, req.socket, watch, `${req.method} ${req.url}`);
    return false;
  }
  if (watch.sent === undefined) return true;
  if (req.method === STAND_IN) req.method = watch.sent;
  watch.sent = undefined;
  return true;
}

/** Whether a response is to a refused line's request: no answer comes for it; the refusal's 400 goes in its place. */
export function answersRefusedLine(res: http.ServerResponse): boolean {
  const req = (res as unknown as { req?: http.IncomingMessage }).req;
  return req !== undefined && watchOf(req.socket)?.refusedRequest === req;
}
