// A request body the client stops sending (issue 23 #2): before, it held a gthread slot and any
// app waiting on it for ever (8 such connections stopped a -w 2 --threads 4 server). Now, after
// `timeout` seconds without a byte while the server could take more, the request ends: 408 and a
// close, or only the close once the answer began. A slow body that keeps coming is never cut.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort } from '../../conformance/drivers/launch.ts';
import { eventually, scaled } from '../../spec/harness/eventually.ts';
import { Connection } from '../../spec/harness/wire.ts';
import { classFlags, preforkLauncher, serverConnections } from './prefork-process.ts';

const prefork = preforkLauncher();
const CLASSES = ['sync', 'gthread', 'async'] as const;
const TIMEOUT_S = 2;
const ports = new Map<string, number>();
const children: ChildProcess[] = [];

beforeAll(async () => {
  for (const cls of CLASSES) {
    const port = await freePort();
    // One worker with one thread: a held connection shows at once.
    children.push(prefork(['-b', `127.0.0.1:${port}`, '-w', '1', ...classFlags(cls).filter((f) => f !== '2'), ...(cls === 'gthread' ? ['1'] : []), '--timeout', String(TIMEOUT_S), 'dist/fixtures/probe/reference/probe.js']));
    ports.set(cls, port);
    await eventually(() => fetch(`http://127.0.0.1:${port}/pid`).then((r) => r.ok), { within: 15_000, what: `the ${cls} server to answer` });
  }
}, 60_000);
afterAll(() => children.forEach((c) => c.kill('SIGTERM')));

const head = (target: string) => `POST ${target} HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n`;

describe.each(['gthread', 'async'] as const)('%s', (cls) => {
  test('a body that stops coming is answered 408 and closed at about timeout; the worker then serves others', async () => {
    const port = ports.get(cls)!;
    const held = await Connection.open('127.0.0.1', port);
    const sentAt = Date.now();
    await held.write(`${head('/echo')}abc`);
    const response = await held.readResponse({ timeoutMs: scaled(TIMEOUT_S * 1000 + 4000) });
    const after = Date.now() - sentAt;
    expect(response.status).toBe(408);
    expect(after).toBeGreaterThanOrEqual(TIMEOUT_S * 1000 - 200);
    expect(await held.waitClosed(3000)).not.toBe('open');
    const other = await fetch(`http://127.0.0.1:${port}/pid`, { signal: AbortSignal.timeout(3000) });
    expect(other.status).toBe(200);
  });

  test('an app that answered without reading the body: the stalled rest does not keep the connection', async () => {
    const held = await Connection.open('127.0.0.1', ports.get(cls)!);
    await held.write(`${head('/echo?read=none')}abc`);
    await held.readResponse({ timeoutMs: scaled(TIMEOUT_S * 1000 + 4000) });
    expect(await held.waitClosed(scaled(TIMEOUT_S * 1000 + 3000))).not.toBe('open');
  });
});

// Not sync: there the timeout bounds each whole request, as in gunicorn (4 s > timeout 2).
describe.each(['gthread', 'async'] as const)('%s', (cls) => {
  test('a slow body that keeps coming (a byte every 400 ms, twice the timeout in all) is read whole', async () => {
    const connection = await Connection.open('127.0.0.1', ports.get(cls)!);
    await connection.write(head('/echo'));
    for (const byte of '0123456789') {
      await new Promise((resolve) => setTimeout(resolve, 400));
      await connection.write(byte);
    }
    const response = await connection.readResponse({ timeoutMs: 5000 });
    connection.destroy();
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body.toString()).body.length).toBe(10);
  }, 20_000);
});

// Issue 23's goal for stalled bodies: a small body is read before a thread is asked for, so a
// request still waiting for its body holds no thread, and must not hold the worker's capacity
// either (before: the connection counted busy until the stall ended it, `timeout` later).
test('gthread: small bodies that stall hold no thread: others are served meanwhile', async () => {
  const port = await freePort();
  const child = prefork(['-b', `127.0.0.1:${port}`, '-w', '1', '-k', 'gthread', '--threads', '2', '--timeout', '30', 'dist/fixtures/probe/reference/probe.js']);
  children.push(child);
  await eventually(() => fetch(`http://127.0.0.1:${port}/pid`).then((r) => r.ok), { within: 15_000, what: 'the server to answer' });
  const held = await Promise.all(Array.from({ length: 6 }, () => Connection.open('127.0.0.1', port)));
  await Promise.all(held.map((c) => c.write(`${head('/echo')}abc`)));
  // At least as many taken and read as there are threads: their requests have begun.
  const taken = () => serverConnections(port).filter((c) => c.state === '01' && c.unread === 0).length;
  await eventually(() => taken() >= 2, { within: 5000, what: 'the worker to take two of the stalled requests' });
  const started = Date.now();
  // On a connection of its own (fetch would reuse the kept-alive one the worker already holds).
  const probe = await Connection.open('127.0.0.1', port);
  await probe.write('GET /pid HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
  const other = await probe.readResponse({ timeoutMs: 20_000 }).then((r) => r.status, (e: Error) => e.message);
  expect(other).toBe(200);
  expect(Date.now() - started).toBeLessThan(scaled(3000));
  [probe, ...held].forEach((c) => c.destroy());
}, 40_000);
