// What the http cases share: requests the probe answers as told, raw exchanges that keep what the
// server sent (or did not), and the limits' request builders.
import { check } from '../harness/assert.ts';
import { connect, exchange } from '../harness/client.ts';
import type { Server } from '../harness/types.ts';
import { type WireResponse } from '../harness/wire.ts';

/** /respond with the given status, headers (in order) and body. */
export function respondTarget(status: number, headers: Array<[string, string]>, body = ''): string {
  const query = [`status=${status}`, ...headers.map(([n, v]) => `header=${encodeURIComponent(`${n}:${v}`)}`)];
  if (body) query.push(`body=${encodeURIComponent(body)}`);
  return `/respond?${query.join('&')}`;
}

/**
 * Sends raw bytes; resolves with the response (or the reason none came) and how the connection
 * ended. `waitClose: false` when only the answer matters (some servers keep a closing socket open).
 */
export async function rawExchange(server: Server, bytes: string | Buffer, { waitClose = true } = {}): Promise<{ response?: WireResponse; failure?: string; closed: string }> {
  const connection = await connect(server);
  await connection.write(bytes);
  let response: WireResponse | undefined;
  let failure: string | undefined;
  try {
    response = await connection.readResponse({ timeoutMs: 5000 });
  } catch (error) {
    failure = (error as Error).message;
  }
  const closed = waitClose ? await connection.waitClosed(3000) : connection.closeState;
  connection.destroy();
  return { response, failure, closed };
}

/** A request must be refused: a 4xx/5xx answer, or the connection closed without any answer. */
export async function checkRejected(server: Server, bytes: string | Buffer, what: string, statuses?: number[]): Promise<WireResponse | undefined> {
  const { response, failure, closed } = await rawExchange(server, bytes);
  if (!response) {
    check(closed !== 'open', `${what}: no response and the connection stayed open (${failure})`);
    check(!statuses, `${what}: expected ${statuses?.join(' or ')}, the connection closed without a response`);
    return undefined;
  }
  if (statuses) check(statuses.includes(response.status), `${what}: expected ${statuses.join(' or ')}, got ${response.status} ${response.reason}`);
  else check(response.status >= 400, `${what}: expected a 4xx/5xx rejection, got ${response.status} ${response.reason}`);
  return response;
}

/** After the head of a response on a Connection: close exchange, no body bytes may follow. */
export async function checkNoBodyBytes(server: Server, method: string, target: string, what: string): Promise<void> {
  const { response, connection } = await exchange(server, { method, target, headers: [['Connection', 'close']] }, { head: true });
  await connection.waitClosed(3000);
  const extra = connection.pending;
  connection.destroy();
  check(extra.length === 0, `${what} (status ${response.status}): ${extra.length} body byte(s) followed the head: ${JSON.stringify(extra.toString('latin1').slice(0, 60))}`);
}

/** The body length the probe's /echo answer reports, or undefined when the answer is not the probe's JSON. */
export function probeBodyLength(body: Buffer): number | undefined {
  try {
    const length = JSON.parse(body.toString('utf8'))?.body?.length;
    return typeof length === 'number' ? length : undefined;
  } catch {
    return undefined;
  }
}

/** A header field line of exactly `length` bytes (CRLF excluded). */
/** A close that ends a close-delimited body follows its last byte at once; an idle timer's comes later. */
export const CLOSE_ENDS_BODY_MS = 1000;

export const headerLine = (length: number): [string, string] => ['X-Big', 'a'.repeat(length - 'X-Big: '.length)];

export const requestLine = (length: number) => {
  // "GET " + target + " HTTP/1.1" = length, CRLF excluded.
  const target = '/echo/' + 'a'.repeat(length - 4 - 9 - 6);
  return `GET ${target} HTTP/1.1`;
};
