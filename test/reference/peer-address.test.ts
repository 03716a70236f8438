// The peer's address (REMOTE_ADDR, REMOTE_PORT, the access log's %(h)s) is read from the socket
// (getpeername) only when something asks for it: a syscall per connection, ~6% of a sync
// worker's CPU per request, that an app which never reads them need not pay. Whatever may ask
// after the exchange's synchronous part (an async app, a streamed answer's log line) must still
// get it once the socket is gone.
import fs from 'node:fs';
import type http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import type { Environ, Handler } from '../../reference/gateway/types.ts';
import { AccessLog } from '../../reference/http/access-log.ts';
import { createHttpServer } from '../../reference/http/server.ts';
import { defaults } from '../../reference/settings.ts';
import { eventually } from '../../spec/harness/eventually.ts';
import { Connection } from '../../spec/harness/wire.ts';
import { tempDir } from '../temp-dirs.ts';

let server: http.Server | undefined;
afterEach(() => server?.close());

async function serve(handler: Handler, hooks: { closeEachResponse?: boolean; accessLog?: AccessLog } = {}): Promise<number> {
  let port = 0;
  server = createHttpServer(
    defaults(),
    handler,
    { serverOf: () => ({ host: '127.0.0.1', port }), multiprocess: false, multithread: false, forwardedAllowIps: [], software: 'test' },
    { closeEachResponse: hooks.closeEachResponse ?? false, onRequest: () => undefined, stopping: () => false, bodyStallMs: 30_000, accessLog: hooks.accessLog },
  );
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (port = (server.address() as AddressInfo).port);
}

test('an async app reading the environ after its client reset the connection still sees the peer', async () => {
  let seen: { addr: unknown; port: unknown } | undefined;
  let serverSide: net.Socket | undefined;
  const port = await serve(
    (_request, environ: Environ) =>
      new Promise<Response>((resolve) => {
        // The app looks only once the server's socket is closed (its descriptor gone).
        serverSide!.once('close', () => {
          seen = { addr: environ.REMOTE_ADDR, port: environ.REMOTE_PORT };
          resolve(new Response('late'));
        });
      }),
  );
  server!.on('connection', (socket: net.Socket) => (serverSide = socket));
  const client = net.connect(port, '127.0.0.1');
  client.on('error', () => undefined);
  await new Promise((resolve) => client.once('connect', resolve));
  const clientPort = client.localPort;
  client.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
  await eventually(() => serverSide && serverSide.bytesRead > 0, { within: 5000, what: 'the request to reach the server' });
  client.resetAndDestroy();
  await eventually(() => seen, { within: 5000, what: 'the app to read its environ' });
  expect(seen).toEqual({ addr: '127.0.0.1', port: String(clientPort) });
});

// Written once the body is out, on a connection the answer closes: here the socket was still open
// then (this passed before the keep too); the keep makes it hold whatever the order.
test("a streamed answer's access log line names the peer", async () => {
  const file = path.join(tempDir('prefork-peer-'), 'access.log');
  const port = await serve(
    () =>
      new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('hello'));
            controller.close();
          },
        }),
      ),
    { closeEachResponse: true, accessLog: new AccessLog(file) },
  );
  const connection = await Connection.open('127.0.0.1', port);
  await connection.write('GET /streamed HTTP/1.1\r\nHost: a\r\n\r\n');
  expect((await connection.readResponse({ timeoutMs: 5000 })).body.toString()).toBe('hello');
  connection.destroy();
  const line = await eventually(() => fs.existsSync(file) && fs.readFileSync(file, 'utf8'), { within: 5000, what: 'the access log line' });
  expect(line).toMatch(/^127\.0\.0\.1 - - .*"GET \/streamed HTTP\/1\.1" 200/);
});
