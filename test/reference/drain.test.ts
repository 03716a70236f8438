// TERM with a deep backlog (issue 23 #4): every connection the kernel queued before the graceful
// stop is served, in every class. Before: sync made one drain pass and reset the rest (200
// waiting: ~110 served, ~90 reset, with 9.9 s of the graceful timeout unused), and in every class
// the listen backlog was Node's default 511 whatever --backlog said (an fd's listen() ignored it),
// so a deeper queue overflowed.
import net from 'node:net';
import { describe, expect, test } from 'vitest';
import { freePort } from '../../conformance/drivers/launch.ts';
import { eventually } from '../../spec/harness/eventually.ts';
import { classFlags, preforkLauncher } from './prefork-process.ts';

const prefork = preforkLauncher();
const WAITING = 600; // more than Node's default backlog of 511

describe.each(['sync', 'gthread', 'async'] as const)('%s', (cls) => {
  test(`${WAITING} connections queued before TERM are all answered`, async () => {
    const port = await freePort();
    const master = prefork(['-b', `127.0.0.1:${port}`, '-w', '2', ...classFlags(cls), '--graceful-timeout', '20', 'dist/fixtures/probe/reference/probe.js']);
    await eventually(() => fetch(`http://127.0.0.1:${port}/pid`, { headers: { Connection: 'close' } }).then((r) => r.ok), { within: 15_000, what: 'the server' });
    let connected = 0;
    const outcomes = Array.from({ length: WAITING }, () =>
      new Promise<string>((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => {
          connected++;
          socket.write(`GET /sleep?ms=20 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`);
        });
        let got = '';
        socket.on('data', (d) => (got += d));
        socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
        socket.on('close', () => resolve(got.split('\r\n')[0] || 'closed without an answer'));
      }),
    );
    await eventually(() => connected === WAITING, { within: 10_000, what: 'every connection to be established', seen: () => `${connected}` });
    master.kill('SIGTERM');
    const counts: Record<string, number> = {};
    for (const outcome of await Promise.all(outcomes)) counts[outcome] = (counts[outcome] ?? 0) + 1;
    expect(counts).toEqual({ 'HTTP/1.1 200 OK': WAITING });
  }, 60_000);
});
