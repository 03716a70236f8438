// A string or byte body known up front (a worker's Response, the light one) goes out in one piece with its head (respond.ts). Whichever
// way it is written, the bytes must be the same: head fields byte for byte as the app gave them
// (a latin-1 value stays one byte), the body in UTF-8, its length counted in bytes, and nothing
// beyond a Content-Length the app declared.
import net, { type AddressInfo } from 'node:net';
import type http from 'node:http';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { LightResponse } from '../../reference/gateway/light-response.ts';
import type { Handler } from '../../reference/gateway/types.ts';
import { createHttpServer } from '../../reference/http/server.ts';
import { defaults } from '../../reference/settings.ts';

const answers: Record<string, () => Response> = {
  '/ascii': () => new LightResponse('hello world', { headers: { 'Content-Type': 'text/plain' } }),
  '/utf8-body': () => new LightResponse('h\u00e9llo \u2713'),
  '/latin1-head': () => new LightResponse('hello', { headers: { 'X-Name': 'caf\u00e9' } }),
  '/latin1-status': () => new LightResponse('hello', { status: 200, statusText: 'Tr\u00e8s bien' }),
  '/declared-shorter': () => new LightResponse('h\u00e9llo world', { headers: { 'Content-Length': '3' } }),
  '/bytes': () => new LightResponse(new Uint8Array([104, 105])),
};

let server: http.Server;
let port = 0;
beforeAll(async () => {
  const handler: Handler = (request) => answers[new URL(request.url).pathname]();
  server = createHttpServer(
    defaults(),
    handler,
    { serverOf: () => ({ host: '127.0.0.1', port }), multiprocess: false, multithread: false, forwardedAllowIps: [], software: 'test' },
    { closeEachResponse: true, onRequest: () => undefined, stopping: () => false, bodyStallMs: 30_000 },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => server.close());

/** Every byte the server sent for one request, until it closed. */
function exchange(target: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1', () => socket.write(`GET ${target} HTTP/1.1\r\nHost: a\r\n\r\n`));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
  });
}

function parts(raw: Buffer): { head: Buffer; body: Buffer } {
  const end = raw.indexOf('\r\n\r\n');
  return { head: raw.subarray(0, end), body: raw.subarray(end + 4) };
}

test.each([
  ['/ascii', Buffer.from('hello world'), 11],
  ['/utf8-body', Buffer.from('h\u00e9llo \u2713', 'utf8'), 10],
  ['/latin1-head', Buffer.from('hello'), 5],
  ['/bytes', Buffer.from('hi'), 2],
])('%s: the body in UTF-8, its Content-Length in bytes', async (target, body, length) => {
  const raw = parts(await exchange(target));
  expect(raw.body).toEqual(body);
  expect(raw.head.toString('latin1')).toMatch(new RegExp(`\r\nContent-Length: ${length}(\r\n|$)`, 'i'));
});

test('a latin-1 field value and reason phrase go out as one byte each', async () => {
  expect(parts(await exchange('/latin1-head')).head.includes(Buffer.from('x-name: caf\u00e9', 'latin1'))).toBe(true);
  expect(parts(await exchange('/latin1-status')).head.includes(Buffer.from('200 Tr\u00e8s bien\r\n', 'latin1'))).toBe(true);
});

test('a declared Content-Length shorter than the body: that many bytes, no more', async () => {
  const raw = parts(await exchange('/declared-shorter'));
  expect(raw.body).toEqual(Buffer.from('h\u00e9', 'utf8')); // 3 bytes: h, then é's two
});
