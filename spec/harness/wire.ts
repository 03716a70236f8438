// A raw HTTP/1.x client on a TCP socket. Cases judge bytes on the wire (duplicate headers, bytes
// past Content-Length, FIN versus RST), which fetch-style clients normalise away.
import net from 'node:net';
import { ServerFault } from './fault.ts';
import { scaled } from './eventually.ts';

export interface WireResponse {
  version: string; // "HTTP/1.1"
  status: number;
  reason: string;
  /** Header lines in order, names as sent. */
  headers: Array<[string, string]>;
  body: Buffer;
  /** How the body was framed. */
  framing: 'content-length' | 'chunked' | 'close' | 'none';
  /** Interim 1xx responses received before this one. */
  interim: Array<{ status: number; reason: string }>;
  /** The raw head bytes (status line + headers), for evidence. */
  rawHead: string;
}

export type CloseState = 'open' | 'fin' | 'reset';

export class WireError extends ServerFault {
  override name = 'WireError';
}

/** All values of a header, case-insensitively. */
export function headerValues(response: WireResponse, name: string): string[] {
  const lower = name.toLowerCase();
  return response.headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
}

export function header(response: WireResponse, name: string): string | undefined {
  return headerValues(response, name)[0];
}

export interface ReadOptions {
  /** Source address of the client connection (default: the kernel's choice). */
  localAddress?: string;
  /** The request was HEAD: a response never has a body then (RFC 9112 6.3). */
  head?: boolean;
  /** Bound for the whole response in ms (scaled). */
  timeoutMs?: number;
}

/** One client connection with a receive buffer; responses are parsed on demand. */
export class Connection {
  private buffer = Buffer.alloc(0);
  private state: CloseState = 'open';
  private lastData: number | undefined;
  private ended: number | undefined;
  private waiters: Array<() => void> = [];
  readonly connected: Promise<void>;

  constructor(private readonly socket: net.Socket) {
    this.connected = new Promise((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.lastData = Date.now();
      this.wake();
    });
    socket.on('end', () => {
      this.ended ??= Date.now();
      if (this.state === 'open') this.state = 'fin';
      this.wake();
    });
    // Any socket error after connect (ECONNRESET, EPIPE) means the peer aborted the connection.
    socket.on('error', () => {
      this.ended ??= Date.now();
      this.state = 'reset';
      this.wake();
    });
    socket.on('close', () => {
      this.ended ??= Date.now();
      if (this.state === 'open') this.state = 'fin';
      this.wake();
    });
  }

  /**
   * `localAddress` picks the client's source address (e.g. 127.0.0.2 for an untrusted peer).
   * `keepOwnSide`: when the server closes, this side stays open (as a client that never closes
   * would); by default it closes too, as most clients do.
   */
  static async open(host: string, port: number, localAddress?: string, timeoutMs = 5000, keepOwnSide = false): Promise<Connection> {
    const socket = net.connect({ host, port, localAddress, allowHalfOpen: keepOwnSide });
    socket.setNoDelay(true);
    const connection = new Connection(socket);
    const timer = setTimeout(() => socket.destroy(new WireError('connect timed out')), scaled(timeoutMs));
    try {
      await connection.connected;
    } catch (error) {
      // A refused or reset connect is the server's doing, like any other wire error.
      throw error instanceof WireError ? error : new WireError(`cannot connect to ${host}:${port}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
    return connection;
  }

  get closeState(): CloseState {
    return this.state;
  }

  /**
   * Milliseconds from the last byte received to the server's close (FIN or reset); undefined
   * while open. Tells a close that ends a body from an idle timer's close seconds later.
   */
  get closedAfterLastByteMs(): number | undefined {
    return this.ended === undefined ? undefined : this.ended - (this.lastData ?? this.ended);
  }

  /** Bytes received and not yet consumed by a parsed response. */
  get pending(): Buffer {
    return this.buffer;
  }

  /** This side's port: names the connection in the kernel's tables (/proc/net/tcp). */
  get localPort(): number | undefined {
    return this.socket.localPort;
  }

  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.write(data, () => resolve());
    });
  }

  /** Half-close our side (FIN) without discarding what the server still sends. */
  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves when more data arrives or the connection closes; false on timeout. */
  private more(deadline: number): Promise<boolean> {
    if (this.state !== 'open') return Promise.resolve(false);
    const left = deadline - Date.now();
    if (left <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), left);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Waits until the server closes the connection; returns how it closed, or 'open'. */
  async waitClosed(timeoutMs = 5000): Promise<CloseState> {
    const deadline = Date.now() + scaled(timeoutMs);
    while (this.state === 'open' && (await this.more(deadline)));
    return this.state;
  }

  /**
   * Reads bytes until `done(buffer)` returns a cut index, the connection closes, or time runs out.
   */
  private async until(done: (b: Buffer) => number, deadline: number, what: string): Promise<Buffer> {
    for (;;) {
      const cut = done(this.buffer);
      if (cut >= 0) {
        const taken = this.buffer.subarray(0, cut);
        this.buffer = this.buffer.subarray(cut);
        return taken;
      }
      if (!(await this.more(deadline))) {
        const cutAfter = done(this.buffer);
        if (cutAfter >= 0) continue;
        const how = this.state === 'open' ? 'timed out' : `connection ${this.state === 'fin' ? 'closed' : 'reset'}`;
        throw new WireError(`${how} while reading ${what} (${this.buffer.length} bytes buffered)`);
      }
    }
  }

  async readResponse(options: ReadOptions = {}): Promise<WireResponse> {
    const deadline = Date.now() + scaled(options.timeoutMs ?? 10_000);
    const interim: WireResponse['interim'] = [];
    for (;;) {
      const head = await this.until((b) => {
        const i = b.indexOf('\r\n\r\n');
        return i < 0 ? -1 : i + 4;
      }, deadline, 'the response head');
      const rawHead = head.toString('latin1');
      const [statusLine, ...lines] = rawHead.slice(0, -4).split('\r\n');
      const match = /^(HTTP\/\d\.\d) (\d{3})(?: (.*))?$/.exec(statusLine);
      if (!match) throw new WireError(`malformed status line: ${JSON.stringify(statusLine)}`);
      const status = Number(match[2]);
      const reason = match[3] ?? '';
      const headers = lines.map((line): [string, string] => {
        const colon = line.indexOf(':');
        if (colon < 0) throw new WireError(`malformed header line: ${JSON.stringify(line)}`);
        return [line.slice(0, colon), line.slice(colon + 1).trim()];
      });
      if (status >= 100 && status < 200 && status !== 101) {
        interim.push({ status, reason });
        continue;
      }
      const base = { version: match[1], status, reason, headers, interim, rawHead };
      return { ...base, ...(await this.readBody(base as WireResponse, options, deadline)) };
    }
  }

  private async readBody(
    response: WireResponse,
    options: ReadOptions,
    deadline: number,
  ): Promise<Pick<WireResponse, 'body' | 'framing'>> {
    if (options.head || response.status === 204 || response.status === 304) {
      return { body: Buffer.alloc(0), framing: 'none' };
    }
    const te = headerValues(response, 'transfer-encoding').join(',').toLowerCase();
    if (te.includes('chunked')) return { body: await this.readChunked(deadline), framing: 'chunked' };
    const lengths = headerValues(response, 'content-length');
    if (lengths.length > 0) {
      const length = Number(lengths[0]);
      if (!Number.isInteger(length) || length < 0) throw new WireError(`bad Content-Length ${lengths[0]}`);
      const body = await this.until((b) => (b.length >= length ? length : -1), deadline, 'the body');
      return { body: Buffer.from(body), framing: 'content-length' };
    }
    const body = await this.until((b) => (this.state !== 'open' ? b.length : -1), deadline, 'a close-delimited body');
    return { body: Buffer.from(body), framing: 'close' };
  }

  private async readChunked(deadline: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (;;) {
      const sizeLine = (await this.until((b) => {
        const i = b.indexOf('\r\n');
        return i < 0 ? -1 : i + 2;
      }, deadline, 'a chunk size')).toString('latin1');
      const size = parseInt(sizeLine, 16);
      if (Number.isNaN(size)) throw new WireError(`bad chunk size line ${JSON.stringify(sizeLine)}`);
      if (size === 0) {
        // Trailer section ends with an empty line.
        for (;;) {
          const line = await this.until((b) => {
            const i = b.indexOf('\r\n');
            return i < 0 ? -1 : i + 2;
          }, deadline, 'the chunked trailer');
          if (line.length === 2) return Buffer.concat(parts);
        }
      }
      const chunk = await this.until((b) => (b.length >= size + 2 ? size + 2 : -1), deadline, 'a chunk');
      parts.push(Buffer.from(chunk.subarray(0, size)));
    }
  }
}

export interface RequestSpec {
  method?: string;
  target?: string;
  version?: string;
  headers?: Array<[string, string]>;
  body?: string | Buffer;
  /** Add Host (default true). */
  host?: boolean;
}

/** Serialises a request exactly as given; adds Host and Content-Length only when asked. */
export function formatRequest(spec: RequestSpec, hostHeader: string): Buffer {
  const { method = 'GET', target = '/', version = 'HTTP/1.1', headers = [], body } = spec;
  const lines = [`${method} ${target} ${version}`];
  if (spec.host !== false && !headers.some(([n]) => n.toLowerCase() === 'host')) lines.push(`Host: ${hostHeader}`);
  for (const [n, v] of headers) lines.push(`${n}: ${v}`);
  const bodyBytes = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
  const hasFraming = headers.some(([n]) => /^(content-length|transfer-encoding)$/i.test(n));
  if (body !== undefined && !hasFraming) lines.push(`Content-Length: ${bodyBytes.length}`);
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), bodyBytes]);
}
