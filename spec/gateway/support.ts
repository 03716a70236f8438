// What the gateway group's files share: the /echo request every gateway case reads its answer
// from, and the digest the probes report a body by (PROTOCOL.md).
import { createHash } from 'node:crypto';
import { getJson } from '../harness/client.ts';
import type { Server } from '../harness/types.ts';
import type { RequestSpec } from '../harness/wire.ts';
import fc from 'fast-check';

/** GET (or `spec`) /echo on a connection of its own, closed after the answer. */
export const echoOf = <T>(server: Server, spec: RequestSpec & { localAddress?: string } = {}) =>
  getJson<T>(server, spec.target ?? '/echo', { headers: [['Connection', 'close']], ...spec }, { localAddress: spec.localAddress });

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** The /echo answer's neutral part (PROTOCOL.md): what every probe reports of the request. */
interface NeutralEcho {
  request: { method: string; target: string; headers: Array<[string, string]>; scheme: string };
  body: { length: number; sha256: string } | null;
}

/** WSGI's and Rack's flags (wsgi.* and rack.* keys of the environment). */
interface Flags {
  version: number[];
  url_scheme: string;
  multithread: boolean;
  multiprocess: boolean;
  run_once: boolean;
  has_errors: boolean;
}

/** wsgi: the environ's CGI and HTTP_ keys, values as the server gave them: a string is PEP 3333's rule, judged by gateway.environ.required. */
export interface WsgiEcho extends NeutralEcho {
  gateway: 'wsgi';
  environ: Record<string, unknown>;
  flags: Flags;
}

/** rack: the env's CGI and HTTP_ keys, values as the server gave them (PROTOCOL.md). */
export interface RackEcho extends NeutralEcho {
  gateway: 'rack';
  env: Record<string, unknown>;
  flags: Flags;
}

/** fetch: the URL the handler's Request has. */
export interface FetchEcho extends NeutralEcho {
  gateway: 'fetch';
  url: string;
}

/**
 * The /echo answer of a WSGI, Rack or fetch probe, one branch per gateway as the answer schema's
 * (fixtures/probe/answers.schema.json); ASGI's is asgi/support.ts's AsgiEcho.
 */
export type Echo = WsgiEcho | RackEcho | FetchEcho;

/** GET (or `spec`) /echo; a profile's case names its gateway (`echo<'wsgi'>(...)`) to read its section. */
export const echo = <G extends Echo['gateway'] = Echo['gateway']>(server: Server, spec: RequestSpec & { localAddress?: string } = {}) =>
  echoOf<Extract<Echo, { gateway: G }>>(server, spec);

/** Percent-decoding to bytes, read as latin-1: the WSGI rule for PATH_INFO. */
export function wsgiPath(raw: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '%' && /^[0-9a-fA-F]{2}$/.test(raw.slice(i + 1, i + 3))) {
      bytes.push(parseInt(raw.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(raw.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('latin1');
}

const hex = (byte: number) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;

const pathPiece = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9\-_~!$&'()*+,;=:@]{1,6}$/),
  fc.integer({ min: 0x20, max: 0xff }).map(hex),
  fc.constant('%2F'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 2 }).map((s) => encodeURIComponent(s)),
);

export const rawPath = fc.array(fc.array(pathPiece, { minLength: 1, maxLength: 4 }).map((p) => p.join('')), { minLength: 1, maxLength: 4 }).map((segments) => segments.join('/'));

export const rawQuery = fc.array(fc.oneof(fc.stringMatching(/^[A-Za-z0-9\-_.~!$'()*+,;:@/?]{1,6}$/), fc.constantFrom('=', '&', '%20', '%26', '%3D', '+', '%C3%A9')), { maxLength: 8 }).map((p) => p.join(''));

export const headerName = fc.stringMatching(/^[A-Za-z0-9]{1,8}(-[A-Za-z0-9]{1,6})?$/).map((n) => `X-P-${n}`);

export const headerValue = fc.stringMatching(/^[!-~]([ !-~]{0,20}[!-~])?$/);
