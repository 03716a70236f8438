// Request bodies reach the app as a stream in every class: an app may answer after the first
// chunk of an upload that has not ended (gthread included: its main thread must not buffer the
// whole body before a thread runs the app), and a large body arrives whole and in order.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { freePort } from '../../conformance/drivers/launch.ts';
import { eventually } from '../../spec/harness/eventually.ts';
import { classFlags, preforkLauncher } from './prefork-process.ts';
import { tempDir } from '../temp-dirs.ts';

const APP = path.join(tempDir('prefork-body-'), 'app.mjs');
fs.writeFileSync(
  APP,
  `import { createHash } from 'node:crypto';
export default async (request) => {
  if (new URL(request.url).pathname === '/first') {
    const { value } = await request.body.getReader().read();
    return new Response('first ' + value.length);
  }
  const bytes = new Uint8Array(await request.arrayBuffer());
  return new Response(bytes.length + ' ' + createHash('sha256').update(bytes).digest('hex'));
};
`,
);

/** Sends the head and one chunk of a chunked upload, never the end; resolves with what comes back. */
function firstChunkOnly(port: number, chunk: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => {
      answer += d;
      if (/\r\n\r\n[\s\S]*first \d+/.test(answer)) {
        socket.destroy();
        resolve(answer);
      }
    });
    socket.on('error', reject);
    socket.setTimeout(5_000, () => {
      socket.destroy();
      reject(new Error(`no answer within 5 s while the upload stays open; got ${JSON.stringify(answer)}`));
    });
    socket.write(`POST /first HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n`);
  });
}

/**
 * On one connection: an upload the app answers after its first chunk, then the upload's end, then
 * a second request. Resolves with everything the server sent once two answers arrived.
 */
function unreadThenNext(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    let step = 0;
    socket.on('data', (d) => {
      answer += d;
      if (step === 0 && /first 5/.test(answer)) {
        step = 1;
        socket.write('5\r\nworld\r\n0\r\n\r\nPOST /whole HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok');
      }
      if (step === 1 && /\r\n\r\n2 [0-9a-f]{64}/.test(answer)) {
        socket.destroy();
        resolve(answer);
      }
    });
    socket.on('error', reject);
    socket.setTimeout(5_000, () => {
      socket.destroy();
      reject(new Error(`no second answer within 5 s; got ${JSON.stringify(answer)}`));
    });
    socket.write('POST /first HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n');
  });
}

describe('request bodies', () => {
  const prefork = preforkLauncher();

  test.each(['sync', 'gthread', 'async'])('%s: streamed to the app', async (cls) => {
    const port = await freePort();
    const child = prefork(['-b', `127.0.0.1:${port}`, ...classFlags(cls), APP]);
    const url = `http://127.0.0.1:${port}/whole`;
    expect(await eventually(() => fetch(url, { method: 'POST', body: 'x' }).then((r) => r.text()), { within: 15_000, what: 'the app to answer' })).toMatch(/^1 /);

    expect(await firstChunkOnly(port, 'hello')).toMatch(/first 5$/);

    const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 7) % 251);
    const digest = createHash('sha256').update(big).digest('hex');
    expect(await fetch(url, { method: 'POST', body: big }).then((r) => r.text())).toBe(`${big.length} ${digest}`);
    const chunked = new ReadableStream({
      start(controller) {
        for (let at = 0; at < big.length; at += 100_000) controller.enqueue(big.subarray(at, at + 100_000));
        controller.close();
      },
    });
    expect(await fetch(url, { method: 'POST', body: chunked, duplex: 'half' } as RequestInit).then((r) => r.text())).toBe(`${big.length} ${digest}`);

    // What the app left unread is discarded, as gunicorn does before the next request: the
    // connection serves on (sync closes it after each response anyway) and never holds up TERM.
    if (cls !== 'sync') expect(await unreadThenNext(port)).toMatch(/first 5[\s\S]*HTTP\/1\.1 200/);
    const unread = net.connect(port, '127.0.0.1');
    unread.on('error', () => undefined);
    unread.write(`POST /first HTTP/1.1\r\nHost: x\r\nContent-Length: ${big.length}\r\n\r\n`);
    unread.write(big);
    await eventually(() => new Promise((resolve) => unread.once('data', resolve)), { within: 5_000, what: 'the answer to an upload left unread' });
    unread.end();
    const stopped = Date.now();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(Date.now() - stopped).toBeLessThan(3_000); // graceful_timeout is 30 s
  });
});

describe('a client that leaves during its upload', () => {
  const prefork = preforkLauncher();

  // gunicorn: "Ignored premature client disconnection" at debug level (workers/sync.py); the
  // app's read failing because the client left is no error of the app's.
  test.each(['sync', 'gthread', 'async'])('%s: logged as a premature disconnection at debug level, not as an app error', async (cls) => {
    const port = await freePort();
    const child = prefork(['-b', `127.0.0.1:${port}`, ...classFlags(cls), '--log-level', 'debug', APP], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout!.on('data', (d) => (log += d));
    child.stderr!.on('data', (d) => (log += d));
    const url = `http://127.0.0.1:${port}/whole`;
    await eventually(() => fetch(url, { method: 'POST', body: 'x' }).then((r) => r.ok), { within: 15_000, what: 'the app to answer' });

    // Node sends 100 Continue as it hands the request to the worker's handler: the app has it then.
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    const continued = new Promise((resolve) => socket.once('data', resolve));
    socket.write('POST /whole HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n');
    expect(String(await continued)).toMatch(/^HTTP\/1\.1 100 Continue/);
    socket.write('a'.repeat(20_000), () => socket.destroy());
    await eventually(() => /premature client disconnection/i.test(log), { within: 5_000, what: 'the disconnection to be logged', seen: () => log.slice(-1500) });
    expect(log).not.toMatch(/\[ERROR\]/);
    // The worker serves on.
    expect(await fetch(url, { method: 'POST', body: 'yz' }).then((r) => r.text())).toMatch(/^2 /);
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  });
});
