// Requests a hostile or careless client sends, each reproduced against the reference before its
// fix (issue 14): the answer, and that the connection never holds a worker.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { freePort } from '../../conformance/drivers/launch.ts';
import { eventually } from '../../spec/harness/eventually.ts';
import { Connection } from '../../spec/harness/wire.ts';
import { classFlags, preforkLauncher } from './prefork-process.ts';

const prefork = preforkLauncher();
const CLASSES = ['sync', 'gthread', 'async'] as const;
const ports = new Map<string, number>();
const children: ChildProcess[] = [];

beforeAll(async () => {
  for (const cls of CLASSES) {
    const port = await freePort();
    // One worker with one thread: a connection that holds it shows at once.
    children.push(prefork(['-b', `127.0.0.1:${port}`, '-w', '1', ...classFlags(cls).filter((f) => f !== '2'), ...(cls === 'gthread' ? ['1'] : []), '--keep-alive', '1', 'dist/fixtures/probe/reference/probe.js']));
    ports.set(cls, port);
    await eventually(() => fetch(`http://127.0.0.1:${port}/pid`).then((r) => r.ok), { within: 15_000, what: `the ${cls} server to answer` });
  }
}, 60_000);
afterAll(() => children.forEach((c) => c.kill('SIGTERM')));

async function exchange(port: number, bytes: string): Promise<{ head: string; closed: string }> {
  const connection = await Connection.open('127.0.0.1', port);
  await connection.write(bytes);
  const response = await connection.readResponse({ timeoutMs: 3000 });
  return { head: `${response.status}`, closed: await connection.waitClosed(3000) };
}

describe.each(CLASSES)('%s', (cls) => {
  test('an Expect other than 100-continue is served, and the connection ends by the usual rules: another client is answered', async () => {
    const port = ports.get(cls)!;
    const held = await Connection.open('127.0.0.1', port);
    await held.write('GET /pid HTTP/1.1\r\nHost: x\r\nExpect: foo\r\n\r\n');
    const first = await held.readResponse({ timeoutMs: 3000 });
    expect(first.status).toBe(200);
    // The client keeps it open; the server closes it at once (sync) or when keep-alive (1 s) ends.
    expect(await held.waitClosed(4000)).toBe('fin');
    const other = await fetch(`http://127.0.0.1:${port}/pid`, { signal: AbortSignal.timeout(3000) });
    expect(other.status).toBe(200);
  });

  test.each([
    ['no Host in HTTP/1.1', 'GET /pid HTTP/1.1\r\n\r\n'],
    ['two Host fields', 'GET /pid HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'],
    ['an invalid Host', 'GET /pid HTTP/1.1\r\nHost: a b\r\n\r\n'],
    ['a Host with a path', 'GET /pid HTTP/1.1\r\nHost: a/b\r\n\r\n'],
  ])('%s is answered 400 and closed (RFC 9112 3.2)', async (_, bytes) => {
    expect(await exchange(ports.get(cls)!, bytes)).toEqual({ head: '400', closed: 'fin' });
  });

  test.each([
    ['HTTP/1.0 without Host', 'GET /pid HTTP/1.0\r\n\r\n'],
    ['an empty Host', 'GET /pid HTTP/1.1\r\nHost:\r\nConnection: close\r\n\r\n'],
    ['a Host with a port', 'GET /pid HTTP/1.1\r\nHost: example.com:8080\r\nConnection: close\r\n\r\n'],
    ['an IPv6 literal', 'GET /pid HTTP/1.1\r\nHost: [::1]:80\r\nConnection: close\r\n\r\n'],
  ])('%s is served', async (_, bytes) => {
    expect((await exchange(ports.get(cls)!, bytes)).head).toBe('200');
  });

  test('an HTTP/0.9 request line is answered 400 and closed', async () => {
    expect(await exchange(ports.get(cls)!, 'GET /pid\r\n')).toEqual({ head: '400', closed: 'fin' });
  });

  test('a client that half-closes after its request still gets the answer, also when the app answers later', async () => {
    for (const target of ['/pid', '/sleep?ms=200']) {
      const connection = await Connection.open('127.0.0.1', ports.get(cls)!);
      await connection.write(`GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`);
      connection.end(); // FIN after the request: "I have nothing more to send"
      const response = await connection.readResponse({ timeoutMs: 3000 });
      expect(response.status, target).toBe(200);
      expect(await connection.waitClosed(3000), target).toBe('fin');
    }
  });
});
