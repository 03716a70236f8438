// Methods are extensible (RFC 9110 9.1: method = token), and gunicorn, Unicorn, Puma and uWSGI
// hand any token to the app; Node's parser (llhttp) knows a fixed list (http.METHODS) and answers
// 400 to anything else. So a request whose method llhttp does not know is given to it under a
// stand-in method, and the app sees the method that was sent.
//
// The rewrite is done only where a request certainly starts: at the start of a read that arrives
// while the parser is between messages (every message it began has been read to its end). A
// body's last bytes can never be taken for a method that way. What is left to llhttp's 400: an
// extension method pipelined behind another request in the same read, or one split across reads
// before its first space.
import http from 'node:http';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { lastRequest } from './last-request.ts';

// Node's parser binding: the index of its message-begin callback, which Node itself leaves unset.
const { HTTPParser } = createRequire(import.meta.url)('_http_common') as { HTTPParser: { kOnMessageBegin: number } };

const KNOWN = new Set(http.METHODS);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A method llhttp knows and Node treats like any other (not HEAD, not CONNECT). */
const STAND_IN = 'ACL';
/** Longer tokens than this are left to llhttp (and to the request-line limit). */
const LONGEST = 64;
const WATCH = Symbol('prefork.methodWatch');

interface Parser {
  [index: number]: unknown;
}

type Listener = (chunk: Buffer) => void;

/** What the rewrite knows of a connection: whether llhttp is inside a message, and the method sent. */
interface Watch {
  inside: boolean;
  /** The last request whose head was parsed when the current message began. */
  before?: http.IncomingMessage;
  /** The method a rewritten request was sent with. */
  sent?: string;
}

/** The method a read that starts a request names, if llhttp does not know it. */
export function extensionMethodAt(chunk: Buffer): { start: number; method: string } | undefined {
  let start = 0;
  // llhttp skips empty lines between messages.
  while (start < chunk.length && (chunk[start] === 13 || chunk[start] === 10)) start++;
  const space = chunk.indexOf(32, start);
  if (space <= start || space - start > LONGEST) return undefined;
  const method = chunk.toString('latin1', start, space);
  return KNOWN.has(method) || !TOKEN.test(method) ? undefined : { start, method };
}

/**
 * Installs the rewrite on a connection Node's http server has just taken (after
 * `server.emit('connection', socket)`); the server must note every request (last-request.ts) and
 * tell `requestHeadParsed` of it.
 * Without the parser internals it relies on, it does nothing: llhttp's 400 stays.
 */
export function passExtensionMethods(socket: Socket): void {
  const parser = (socket as unknown as { parser?: Parser }).parser;
  const [parse, ...others] = socket.listeners('data') as Listener[];
  if (!parser || typeof parse !== 'function' || others.length > 0 || typeof HTTPParser?.kOnMessageBegin !== 'number') return;
  const watch: Watch = { inside: false };
  (socket as unknown as Record<symbol, Watch>)[WATCH] = watch;
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
  socket.removeListener('data', parse);
  socket.on('data', (chunk: Buffer) => {
    // The parser is freed when the connection is upgraded or closed: its listener would be gone.
    if ((socket as unknown as { parser?: Parser }).parser !== parser) return;
    const found = between() ? extensionMethodAt(chunk) : undefined;
    if (!found) return parse(chunk);
    watch.sent = found.method;
    parse(Buffer.concat([chunk.subarray(0, found.start), Buffer.from(STAND_IN, 'latin1'), chunk.subarray(found.start + found.method.length)]));
  });
}

/** Told of each request head Node parsed: a request parsed under the stand-in gets the method its client sent. */
export function requestHeadParsed(req: http.IncomingMessage): void {
  const watch = (req.socket as unknown as Record<symbol, Watch | undefined>)[WATCH];
  if (watch?.sent === undefined) return;
  if (req.method === STAND_IN) req.method = watch.sent;
  watch.sent = undefined;
}
