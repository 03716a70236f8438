// The asgi profile of the gateway group: what an ASGI 3.0 app is handed (the HTTP scope, the
// receive events), what it may send, and the lifespan protocol, which is where ASGI meets the
// pre-fork model: each worker runs its app's startup before it serves and its shutdown when it
// is stopped. The probe reports byte strings as the latin-1 text of their bytes and any value of
// another type as {not_bytes, repr} (fixtures/probe/asgi/probe_app.py), so a wrong type is seen
// by the case whose rule it breaks.
import type { Server } from '../../harness/types.ts';
import type { RequestSpec } from '../../harness/wire.ts';
import { echoOf } from '../support.ts';

/** The /echo answer of the ASGI probe (PROTOCOL.md, "asgi"). */
export interface AsgiEcho {
  gateway: 'asgi';
  request: { method: string; target: string; headers: Array<[string, string]>; scheme: string };
  scope: Record<string, unknown> & { headers?: Array<[unknown, unknown]> };
  events: Array<{ type: string; length: number | null; more_body: unknown }>;
  lifespan: { startup: number | null; shutdown: number | null };
  body: { length: number; sha256: string } | null;
  pid: number;
}

export const echo = (server: Server, spec: RequestSpec = {}) => echoOf<AsgiEcho>(server, spec);

export const isBytes = (value: unknown): value is string => typeof value === 'string';

export const words = (value: unknown) => (isBytes(value) ? `b${JSON.stringify(value)}` : JSON.stringify(value));

/** Lines the probe printed for `what` ("lifespan shutdown"), by pid. */
export function saidBy(server: Server, what: string): Set<number> {
  return new Set([...server.logs().matchAll(new RegExp(`conform-probe: ${what} pid=(\\d+)`, 'g'))].map((m) => Number(m[1])));
}
