// The WSGI/CGI view of a request, with gunicorn's rules (see spec/gateway/wsgi/).
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Environ } from './types.ts';

/** A bound address as the environ names it (SERVER_NAME, SERVER_PORT). */
export interface ServerAddress {
  host: string;
  port: number;
}

export interface EnvironContext {
  /** The listener that accepted this connection: gunicorn names that one, not the first bind. */
  serverOf: (socket: Socket) => ServerAddress;
  multiprocess: boolean;
  multithread: boolean;
  forwardedAllowIps: string[];
  software: string;
}

/** Percent-decoding to bytes, read as latin-1 (PEP 3333's "bytes as str"). */
export function decodePath(raw: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const hex = raw.slice(i + 1, i + 3);
    if (raw[i] === '%' && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(raw.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(bytes).toString('latin1');
}

const SECURE_SCHEME_HEADERS: Record<string, string> = {
  'x-forwarded-protocol': 'ssl',
  'x-forwarded-proto': 'https',
  'x-forwarded-ssl': 'on',
};

/** The connection's scheme: https over TLS (tls.ts wraps the connection), else http. */
export function schemeOf(socket: Socket): 'http' | 'https' {
  return (socket as Socket & { encrypted?: boolean }).encrypted ? 'https' : 'http';
}

function peerAddress(address: string | undefined): string {
  return (address ?? '').replace(/^::ffff:/, '');
}

export function buildEnviron(req: IncomingMessage, context: EnvironContext): Environ {
  const target = req.url ?? '/';
  const question = target.indexOf('?');
  let path = question < 0 ? target : target.slice(0, question);
  if (/^https?:\/\//i.test(path)) path = path.replace(/^https?:\/\/[^/]*/i, '') || '/';
  const peer = peerAddress(req.socket.remoteAddress);
  const server = context.serverOf(req.socket);
  const environ: Record<string, unknown> = {
    REQUEST_METHOD: req.method ?? 'GET',
    SCRIPT_NAME: process.env.SCRIPT_NAME ?? '',
    PATH_INFO: decodePath(path),
    QUERY_STRING: question < 0 ? '' : target.slice(question + 1),
    RAW_URI: target,
    SERVER_NAME: server.host,
    SERVER_PORT: String(server.port),
    SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
    SERVER_SOFTWARE: context.software,
    REMOTE_ADDR: peer,
    REMOTE_PORT: String(req.socket.remotePort ?? ''),
    'wsgi.version': [1, 0],
    'wsgi.url_scheme': schemeOf(req.socket),
    'wsgi.multithread': context.multithread,
    'wsgi.multiprocess': context.multiprocess,
    'wsgi.run_once': false,
    'wsgi.input_terminated': true,
  };
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    // Underscored names could impersonate their dashed twins (X_User vs X-User): dropped.
    if (name.includes('_')) continue;
    const upper = name.toUpperCase().replaceAll('-', '_');
    const key = upper === 'CONTENT_TYPE' || upper === 'CONTENT_LENGTH' ? upper : `HTTP_${upper}`;
    environ[key] = key in environ ? `${environ[key]},${raw[i + 1]}` : raw[i + 1];
  }
  const trusted = context.forwardedAllowIps.includes('*') || context.forwardedAllowIps.includes(peer);
  if (trusted) {
    for (const [header, secure] of Object.entries(SECURE_SCHEME_HEADERS)) {
      const value = req.headers[header];
      if (typeof value === 'string' && value.toLowerCase() === secure) environ['wsgi.url_scheme'] = 'https';
    }
  }
  return environ as unknown as Environ;
}

/**
 * The environ an app receives: built on first use (most of a request's cost in a hello-world app
 * otherwise). That reads the peer's address from the socket: whoever lets the request go on
 * after the socket may be gone calls keepPeerAddress first.
 */
export function lazyEnviron(req: IncomingMessage, context: EnvironContext): Environ {
  let environ: Environ | undefined;
  const real = () => (environ ??= buildEnviron(req, context)) as unknown as Record<PropertyKey, unknown>;
  // The builder is reached through the proxy itself (a hidden key), not a WeakMap: a global
  // WeakMap with an entry per request kept every request alive through young-generation GCs.
  return new Proxy({} as Environ, {
    get: (_, key) => (key === REAL ? real : real()[key]),
    set: (_, key, value) => Reflect.set(real(), key, value),
    has: (_, key) => key in real(),
    deleteProperty: (_, key) => Reflect.deleteProperty(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_, key) => Reflect.getOwnPropertyDescriptor(real(), key),
  });
}

/**
 * Reads the peer's address while the socket is open (Node keeps it on the socket): needed only
 * where it may be asked for later. One getpeername() per connection was ~6% of a sync worker's
 * CPU per request, for apps that never read it.
 */
export function keepPeerAddress(socket: Socket): void {
  void socket.remoteAddress;
}

const REAL = Symbol('environ builder');

/** The environ as a plain object (a proxy cannot cross to a thread; copying one key by key is slow). */
export function plainEnviron(environ: Environ): Environ {
  const real = (environ as unknown as Record<symbol, unknown>)[REAL];
  return (typeof real === 'function' ? real() : { ...environ }) as unknown as Environ;
}
