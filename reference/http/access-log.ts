// gunicorn's access log: a line per response in `--access-logformat` (gunicorn's atoms, Python's
// %(name)s syntax; by default %(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"). "-"
// writes to stdout; a file is appended to and reopened on USR1 (log rotation).
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { decodePath } from '../gateway/environ.ts';
import { log } from '../log.ts';

export const DEFAULT_ACCESS_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function clf(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `[${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000]`;
}

/** One response, as the atoms see it. */
export interface Answered {
  req: IncomingMessage;
  status: number;
  /** A header the app's response set (as gunicorn's resp.headers: not the server's Date or framing). */
  responseHeader(name: string): string | null | undefined;
  /** Body bytes that went on the wire. */
  sent: number;
  /** How long the request took, in ms. */
  tookMs: number;
  when?: Date;
}

const text = (value: unknown) => (value === undefined || value === null || value === '' ? '-' : String(value));

/** The Basic auth user name, as gunicorn's %(u)s. */
function user(req: IncomingMessage): string | undefined {
  const match = /^basic\s+(\S+)/i.exec(req.headers.authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  return decoded.includes(':') ? decoded.slice(0, decoded.indexOf(':')) : undefined;
}

/** The path as PATH_INFO has it (decoded to bytes read as latin-1, as the environ's) and the raw query. */
function pathAndQuery(url: string): [string, string] {
  const at = url.indexOf('?');
  return at < 0 ? [decodePath(url), ''] : [decodePath(url.slice(0, at)), url.slice(at + 1)];
}

/** gunicorn's atoms (glogging.py atoms()), each computed only when the format names it. */
const ATOMS: Record<string, (a: Answered) => unknown> = {
  h: (a) => (a.req.socket.remoteAddress ?? '-').replace(/^::ffff:/, ''),
  l: () => '-',
  u: (a) => user(a.req),
  t: (a) => clf(a.when ?? new Date()),
  r: (a) => `${a.req.method} ${a.req.url} HTTP/${a.req.httpVersion}`,
  s: (a) => a.status,
  m: (a) => a.req.method,
  U: (a) => pathAndQuery(a.req.url ?? '')[0],
  q: (a) => pathAndQuery(a.req.url ?? '')[1] || '',
  H: (a) => `HTTP/${a.req.httpVersion}`,
  b: (a) => a.sent,
  B: (a) => a.sent,
  f: (a) => a.req.headers.referer,
  a: (a) => a.req.headers['user-agent'],
  T: (a) => Math.floor(a.tookMs / 1000),
  D: (a) => Math.round(a.tookMs * 1000),
  M: (a) => Math.floor(a.tookMs),
  L: (a) => (a.tookMs / 1000).toFixed(6),
  p: () => `<${process.pid}>`,
};

/** The WSGI environ keys a Node request has, for %({key}e)s. */
const ENVIRON: Record<string, (a: Answered) => unknown> = {
  request_method: ATOMS.m,
  raw_uri: (a) => a.req.url,
  path_info: ATOMS.U,
  query_string: ATOMS.q,
  server_protocol: ATOMS.H,
  remote_addr: ATOMS.h,
  remote_port: (a) => a.req.socket.remotePort,
  content_type: (a) => a.req.headers['content-type'],
  content_length: (a) => a.req.headers['content-length'],
};

function atom(name: string): (a: Answered) => string {
  const braced = /^\{([^}]*)\}([ioe])$/.exec(name);
  let value: (a: Answered) => unknown;
  if (braced) {
    const key = braced[1].toLowerCase();
    if (braced[2] === 'i') value = (a) => a.req.headers[key];
    else if (braced[2] === 'o') value = (a) => a.responseHeader(key);
    else value = (a) => ENVIRON[key]?.(a) ?? (key.startsWith('http_') ? a.req.headers[key.slice(5).replaceAll('_', '-')] : undefined);
  } else value = ATOMS[name] ?? (() => undefined); // gunicorn: an unknown atom is "-"
  // gunicorn escapes the double quotes of string atoms, so a quoted field stays one field.
  return (a) => text(value(a)).replaceAll('"', '\\"');
}

/**
 * A format compiled once: its text pieces and atoms. A "%" that starts neither an atom
 * `%(name)s` nor `%%` is refused (Python's logging would fail on every line).
 */
export function accessFormatter(format: string): (a: Answered) => string {
  const parts: Array<string | ((a: Answered) => string)> = [];
  const pattern = /%\(([^)]*)\)s|%%|%/g;
  let at = 0;
  for (const match of format.matchAll(pattern)) {
    parts.push(format.slice(at, match.index));
    at = match.index + match[0].length;
    if (match[0] === '%%') parts.push('%');
    else if (match[0] === '%') throw new Error(`"${format.slice(match.index, match.index + 2)}" at ${match.index} is not an atom: write %(name)s (gunicorn's atoms: h l u t r s m U q H b B f a T D M L p, {header}i, {header}o, {key}e) or %% for a percent sign`);
    else parts.push(atom(match[1]));
  }
  parts.push(format.slice(at));
  return (a) => parts.map((p) => (typeof p === 'string' ? p : p(a))).join('') + '\n';
}

export class AccessLog {
  private stream?: fs.WriteStream;
  private readonly line: (a: Answered) => string;

  constructor(
    private readonly target: string,
    format = DEFAULT_ACCESS_FORMAT,
  ) {
    this.line = accessFormatter(format);
    this.reopen();
  }

  log(answered: Answered): void {
    this.write(this.line(answered));
  }

  /**
   * A file that cannot be opened or written (its directory gone, another owner) is said once per
   * opening, and its lines are dropped until the next USR1: no request fails for its log line.
   */
  reopen(): void {
    if (this.target === '-') return;
    this.stream?.end();
    const stream = fs.createWriteStream(this.target, { flags: 'a' });
    stream.once('error', (error) => {
      log('error', `Cannot write the access log ${this.target}: ${(error as NodeJS.ErrnoException).code ?? error.message}`);
      if (this.stream === stream) this.stream = undefined;
    });
    this.stream = stream;
  }

  private write(line: string): void {
    if (this.target === '-') process.stdout.write(line);
    else this.stream?.write(line);
  }
}
