// gthread streams a response body with backpressure: a client that reads nothing must not make
// the worker buffer the body (before the fix: a 400 MB stream took a worker from 206 to 524 MB;
// sync and async stayed at 63). The thread waits for the main thread to pass chunks on.
import fs from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { freePort } from '../../conformance/drivers/launch.ts';
import { liveChildren } from '../../conformance/drivers/proc.ts';
import { eventually } from '../../spec/harness/eventually.ts';
import { Connection } from '../../spec/harness/wire.ts';
import { preforkLauncher } from './prefork-process.ts';

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

describe('gthread: response bodies with backpressure', () => {
  const prefork = preforkLauncher();
  let child: ChildProcess;
  afterAll(() => child?.kill('SIGTERM'));

  test('a client that reads nothing of a 400 MB stream leaves the worker near its idle size; its thread is free again once the client went away', async () => {
    const port = await freePort();
    child = prefork(['-b', `127.0.0.1:${port}`, '-w', '1', '-k', 'gthread', '--threads', '1', 'dist/fixtures/probe/reference/probe.js']);
    await eventually(() => fetch(`http://127.0.0.1:${port}/pid`).then((r) => r.ok), { within: 15_000, what: 'the server to answer' });
    const [worker] = await liveChildren(child.pid!);
    const idle = rssMb(worker);
    const stalled = await Connection.open('127.0.0.1', port);
    // 400 chunks of 1 MB (the probe's stream yields strings of that many bytes).
    await stalled.write('GET /stream?chunks=400&bytes=1048576 HTTP/1.1\r\nHost: x\r\n\r\n');
    let peak = idle;
    const until = Date.now() + 4000; // long enough for an unbounded thread to produce it all
    while (Date.now() < until) {
      peak = Math.max(peak, rssMb(worker));
      await new Promise((r) => setTimeout(r, 100));
    }
    stalled.destroy();
    expect(peak - idle, `worker RSS ${idle.toFixed(0)} -> ${peak.toFixed(0)} MB`).toBeLessThan(100);
    // One thread: it is not left waiting for a reader that went away, so the next requests are answered.
    const small = await fetch(`http://127.0.0.1:${port}/stream?chunks=3&bytes=5`, { signal: AbortSignal.timeout(5000) });
    expect(await small.text()).toHaveLength(15);
    const again = await fetch(`http://127.0.0.1:${port}/stream?chunks=3&bytes=5`, { signal: AbortSignal.timeout(5000) });
    expect(await again.text()).toHaveLength(15);
  }, 30_000);
});
