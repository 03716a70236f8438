// The watch on request bodies still arriving (issue 23 #2) must hold only such requests: a request
// in it lives until the watch's next look (250 ms), so watching every bodiless GET kept each one,
// its response and its headers alive past V8's young-generation collections, and a worker under
// load grew to 250-340 MB (Node 24; 120-140 MB on Node 20) against a Node cluster worker's 75.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { bodiesWatched, createHttpServer } from '../../reference/http/server.ts';
import { defaults } from '../../reference/settings.ts';
import { eventually } from '../../spec/harness/eventually.ts';
import { Connection } from '../../spec/harness/wire.ts';

let port = 0;
const server = createHttpServer(
  defaults(),
  async (request) => new Response(request.method === 'POST' ? await request.text() : 'hello'),
  { serverOf: () => ({ host: '127.0.0.1', port }), multiprocess: false, multithread: false, forwardedAllowIps: [], software: 'test' },
  { closeEachResponse: false, onRequest: () => undefined, stopping: () => false, bodyStallMs: 30_000 },
);

beforeAll(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => ((port = (server.address() as AddressInfo).port), resolve()))));
afterAll(() => server.close());

test('a request without a body, or with all of it in its first packet, is never watched', async () => {
  const connection = await Connection.open('127.0.0.1', port);
  await connection.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
  expect((await connection.readResponse({ timeoutMs: 5000 })).status).toBe(200);
  expect(bodiesWatched()).toBe(0);
  await connection.write('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello');
  expect((await connection.readResponse({ timeoutMs: 5000 })).status).toBe(200);
  expect(bodiesWatched()).toBe(0);
  connection.destroy();
});

test('a body still arriving is watched, and no longer once it is complete', async () => {
  const connection = await Connection.open('127.0.0.1', port);
  await connection.write('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nhello');
  await eventually(() => bodiesWatched() === 1, { within: 5000, what: 'the incomplete body to be watched' });
  await connection.write('world');
  expect((await connection.readResponse({ timeoutMs: 5000 })).body.toString()).toBe('helloworld');
  await eventually(() => bodiesWatched() === 0, { within: 5000, what: 'the complete body to leave the watch' });
  connection.destroy();
});
