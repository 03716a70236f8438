// Talking to the probe app through the wire client: the few request shapes cases share.
import { check } from './assert.ts';
import { Connection, formatRequest, type ReadOptions, type RequestSpec, type WireResponse } from './wire.ts';
import { checkProbeAnswer } from './probe-answers.ts';
import { HarnessError, type Server } from './types.ts';

/** Where requests go: a server, or one more of its addresses ({ host, port: extraPorts[i] }). */
export type Address = Pick<Server, 'host' | 'port'>;

export interface Exchange {
  response: WireResponse;
  connection: Connection;
}

export async function connect(server: Address, localAddress?: string): Promise<Connection> {
  return Connection.open(server.host, server.port, localAddress);
}

export function hostHeader(server: Address): string {
  return `${server.host}:${server.port}`;
}

/** Opens a connection and writes one request (plus `trailing` bytes); nothing is read yet. */
export async function send(server: Address, spec: RequestSpec, trailing?: Buffer, localAddress?: string): Promise<Connection> {
  const connection = await connect(server, localAddress);
  const request = formatRequest(spec, hostHeader(server));
  await connection.write(trailing ? Buffer.concat([request, trailing]) : request);
  return connection;
}

/** Sends one request on a fresh connection and reads one response; the connection stays open. */
export async function exchange(server: Address, spec: RequestSpec, options: ReadOptions = {}): Promise<Exchange> {
  const connection = await send(server, spec, undefined, options.localAddress);
  const response = await connection.readResponse({ head: spec.method === 'HEAD', ...options });
  return { response, connection };
}

/** One request, one response, connection closed by us afterwards. */
export async function request(server: Address, spec: RequestSpec, options: ReadOptions = {}): Promise<WireResponse> {
  const { response, connection } = await exchange(server, spec, options);
  connection.destroy();
  return response;
}

export async function getJson<T = any>(server: Address, target: string, spec: RequestSpec = {}, options: ReadOptions = {}): Promise<T> {
  return answerOf<T>(`${spec.method ?? 'GET'} ${target}`, target, await request(server, { target, ...spec }, options));
}

/**
 * The probe's JSON answer in a response: a status other than 200 is the server's (Violation); a
 * body that is not the protocol's JSON is the probe's bug (HarnessError, see probe-answers.ts).
 */
export function answerOf<T = any>(what: string, target: string, response: WireResponse): T {
  check(response.status === 200, `${what}: expected 200, got ${response.status} ${response.reason}: ${response.body.toString('latin1').slice(0, 300)}`);
  let answer: T;
  try {
    answer = JSON.parse(response.body.toString('utf8')) as T;
  } catch {
    throw new HarnessError(`the probe answered non-JSON to ${what} (a probe bug, or a body the server mangled): ${response.body.toString('latin1').slice(0, 300)}`);
  }
  checkProbeAnswer(target, answer);
  return answer;
}

export interface Interval {
  pid: number;
  start: number;
  end: number;
}

/** Fires `count` sleeping requests at once; resolves with the server-side intervals. */
export function sleepers(server: Server, count: number, ms: number, path = 'sleep'): Promise<Interval[]> {
  return Promise.all(
    Array.from({ length: count }, () => getJson<Interval>(server, `/${path}?ms=${ms}`, {}, { timeoutMs: ms * count + 20_000 })),
  );
}

/** The largest number of intervals that overlap at one instant. */
export function peakOverlap(intervals: Interval[]): number {
  const events = intervals.flatMap((i) => [
    [i.start, 1],
    [i.end, -1],
  ] as Array<[number, number]>);
  // Ends sort before starts at the same instant: touching intervals do not overlap.
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, delta] of events) {
    now += delta;
    peak = Math.max(peak, now);
  }
  return peak;
}
