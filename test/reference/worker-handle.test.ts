// The master's handle on one worker (reference/worker-handle.ts): what it hears on the control
// channel, however the bytes are cut, the stack it asks for, and the heartbeat it reads.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { frameMessage, READY, SOURCES, STACK_REPLY, STACK_REQUEST } from '../../reference/boot-contract.ts';
import { WorkerHandle } from '../../reference/worker-handle.ts';
import { tempDir } from '../temp-dirs.ts';

const opened: Array<{ close(): void }> = [];
afterEach(() => opened.splice(0).forEach((o) => o.close()));

/** Two connected sockets: the master's end and the worker's. */
async function channel(): Promise<{ master: net.Socket; worker: net.Socket }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const worker = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  const master = await accepted;
  opened.push({ close: () => (master.destroy(), worker.destroy(), server.close()) });
  return { master, worker };
}

function heartbeatFile(): number {
  const fd = fs.openSync(path.join(tempDir('prefork-handle-'), 'beat'), 'w+');
  fs.futimesSync(fd, 0, 0);
  return fd;
}

describe('WorkerHandle', () => {
  test('READY and the files of the app, each told once, whatever the chunks cut', async () => {
    const { master, worker } = await channel();
    const heard: string[] = [];
    const handle = new WorkerHandle(123, 1, heartbeatFile(), master, {
      ready: (w) => heard.push(`ready ${w.pid}`),
      sources: (files) => heard.push(`sources ${files.join(',')}`),
    });
    const bytes = Buffer.from(frameMessage(`${SOURCES}${JSON.stringify(['/srv/app.ts', '/srv/é.ts'])}`) + frameMessage(READY));
    // Cut inside the two-byte character and inside READY.
    for (const piece of [bytes.subarray(0, 25), bytes.subarray(25, bytes.length - 3), bytes.subarray(bytes.length - 3)]) {
      worker.write(piece);
      await new Promise((r) => setTimeout(r, 10));
    }
    await expect.poll(() => heard).toEqual(['sources /srv/app.ts,/srv/é.ts', `ready ${handle.pid}`]);
  });

  test('stack(): asks on the channel and gets the frames; no answer within the wait says so', async () => {
    const { master, worker } = await channel();
    const handle = new WorkerHandle(7, 1, heartbeatFile(), master, { ready: () => undefined, sources: () => undefined });
    worker.once('data', (request) => {
      expect(request.toString()).toBe(STACK_REQUEST);
      worker.write(frameMessage(`${STACK_REPLY}    at spin (/srv/app.js:3:5)`));
    });
    expect(await handle.stack(2000)).toBe('    at spin (/srv/app.js:3:5)');
    expect(await handle.stack(50)).toBe('    (no answer within 50 ms)');
    const closed = new WorkerHandle(8, 2, heartbeatFile(), null, { ready: () => undefined, sources: () => undefined });
    expect(await closed.stack(50)).toBe('    (no control channel to ask)');
  });

  test('lastBeat(): 0 before the first beat, the file\'s mtime after; 0 once released', () => {
    const fd = heartbeatFile();
    const handle = new WorkerHandle(9, 1, fd, null, { ready: () => undefined, sources: () => undefined });
    expect(handle.lastBeat()).toBe(0);
    const now = Date.now() / 1000;
    fs.futimesSync(fd, now, now);
    expect(Math.abs(handle.lastBeat() - now * 1000)).toBeLessThan(1000);
    handle.release();
    expect(handle.lastBeat()).toBe(0);
  });

  test('silentFor(): counted from the spawn until the first beat, then from the last beat', () => {
    const fd = heartbeatFile();
    const handle = new WorkerHandle(10, 1, fd, null, { ready: () => undefined, sources: () => undefined });
    // Never beaten: a worker stuck loading the app times out from its spawn, not from 1970.
    expect(handle.silentFor(handle.spawnedAt + 4000)).toBe(4000);
    const beat = handle.spawnedAt + 10_000;
    fs.futimesSync(fd, beat / 1000, beat / 1000);
    expect(handle.silentFor(beat + 2500)).toBeCloseTo(2500, -1);
    handle.release();
  });
});
