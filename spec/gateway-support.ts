// What the gateway group's files share: the /echo request every gateway case reads its answer
// from, and the digest the probes report a body by (PROTOCOL.md).
import { createHash } from 'node:crypto';
import { getJson } from './harness/client.ts';
import type { Server } from './harness/types.ts';
import type { RequestSpec } from './harness/wire.ts';

/** GET (or `spec`) /echo on a connection of its own, closed after the answer. */
export const echoOf = <T>(server: Server, spec: RequestSpec & { localAddress?: string } = {}) =>
  getJson<T>(server, spec.target ?? '/echo', { headers: [['Connection', 'close']], ...spec }, { localAddress: spec.localAddress });

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
