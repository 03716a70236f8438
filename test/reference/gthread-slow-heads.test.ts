// gthread takes a connection only while a thread is free, and a fresh connection counts against
// the threads until its request head is read. Clients that never finish their heads (slowloris,
// or a browser's preconnect that sends nothing yet) must not hold a worker's capacity for good:
// after a grace they stop counting, and the worker takes the next connection.
import net from 'node:net';
import { describe, expect, test } from 'vitest';
import { freePort } from '../../conformance/drivers/launch.ts';
import { eventually } from '../../spec/harness/eventually.ts';
import { preforkLauncher, serverConnections } from './prefork-process.ts';

function slowHead(port: number): { socket: net.Socket; answer: () => string } {
  const socket = net.connect(port, '127.0.0.1');
  let answer = '';
  socket.on('data', (d) => (answer += d));
  socket.on('error', () => undefined);
  socket.write('GET /pid HTTP/1.1\r\nHost: x\r\n'); // no blank line: the head is not complete
  return { socket, answer: () => answer };
}

/** One request on a connection of its own; resolves with the status line. */
function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => (answer += d));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer.split('\r\n')[0]));
    socket.write('GET /pid HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  });
}

/** Server-side connections on `port` that a worker has taken: established, their bytes read. */
function readConnections(port: number): number {
  return serverConnections(port).filter((c) => c.state === '01' && c.unread === 0).length;
}

describe('gthread and connections whose head never completes', () => {
  const prefork = preforkLauncher();

  test('as many slow heads as threads do not stop the worker; they are served once they finish', async () => {
    const port = await freePort();
    const child = prefork(['-b', `127.0.0.1:${port}`, '-w', '1', '-k', 'gthread', '--threads', '2', 'dist/fixtures/probe/reference/probe.js']);
    await eventually(() => get(port).then((status) => status === 'HTTP/1.1 200 OK'), { within: 15_000, what: 'the server to answer' });

    const slow = [slowHead(port), slowHead(port)];
    // Both taken by the worker and read (each fills a thread's place until its head completes).
    await eventually(() => readConnections(port) === 2, { within: 5_000, what: 'the worker to take both slow connections' });
    const started = Date.now();
    const status = await Promise.race([get(port), new Promise((resolve) => setTimeout(resolve, 10_000, 'no answer within 10 s'))]);
    expect(status).toBe('HTTP/1.1 200 OK');
    expect(Date.now() - started).toBeLessThan(5_000);

    for (const s of slow) s.socket.write('\r\n');
    await eventually(() => slow.every((s) => /^HTTP\/1\.1 200/.test(s.answer())), { within: 5_000, what: 'the slow heads to be answered once complete' });
    for (const s of slow) s.socket.destroy();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }, 30_000);

  // Issue 23 #7: each parked head held a thread's place for the whole grace, so a queue of slow
  // clients was worked through `threads` per second: 150 of them kept a 2-thread worker from the
  // next client for ~75 s. A head begun and not finished in its first bytes is a slow client's:
  // it stops counting at once.
  test('a queue of slow heads ahead of a client does not keep it waiting', async () => {
    const port = await freePort();
    const child = prefork(['-b', `127.0.0.1:${port}`, '-w', '1', '-k', 'gthread', '--threads', '2', 'dist/fixtures/probe/reference/probe.js']);
    await eventually(() => get(port).then((status) => status === 'HTTP/1.1 200 OK'), { within: 15_000, what: 'the server to answer' });

    const slow = Array.from({ length: 150 }, () => slowHead(port));
    await Promise.all(slow.map((s) => new Promise((resolve) => s.socket.once('connect', resolve))));
    const started = Date.now();
    const status = await Promise.race([get(port), new Promise((resolve) => setTimeout(resolve, 20_000, 'no answer within 20 s'))]);
    const waited = Date.now() - started;
    expect(status).toBe('HTTP/1.1 200 OK');
    expect(waited).toBeLessThan(8_000);
    for (const s of slow) s.socket.destroy();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }, 60_000);
});
