// The environ proxy: built on first use, once, and handed to a gthread thread as that same plain
// object (plainEnviron), without a registry that would keep requests alive.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from 'vitest';
import { lazyEnviron, plainEnviron, type EnvironContext } from '../../reference/gateway/environ.ts';

const context: EnvironContext = {
  serverOf: () => ({ host: '127.0.0.1', port: 8000 }),
  multiprocess: false,
  multithread: false,
  forwardedAllowIps: [],
  software: 'test',
};

/** Runs `inspect` on the environ of one real request and returns what it returned. */
async function withEnviron<T>(inspect: (environ: Record<string, unknown>) => T): Promise<T> {
  let seen!: T;
  const server = http.createServer((req, res) => {
    seen = inspect(lazyEnviron(req, context) as unknown as Record<string, unknown>);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await fetch(`http://127.0.0.1:${port}/a%20b?x=1`, { headers: { 'X-Probe': 'yes' } }).then((r) => r.arrayBuffer());
  await new Promise((resolve) => server.close(resolve));
  return seen;
}

test('plainEnviron of the proxy is the object the proxy reads, built once', async () => {
  const { plain, again, viaProxy, keys } = await withEnviron((environ) => {
    environ['app.note'] = 'set through the proxy';
    const plain = plainEnviron(environ as never) as unknown as Record<string, unknown>;
    return { plain, again: plainEnviron(environ as never), viaProxy: environ.PATH_INFO, keys: Object.keys(environ) };
  });
  expect(Object.getPrototypeOf(plain)).toBe(Object.prototype); // a plain object: it can cross to a thread
  expect(again).toBe(plain);
  expect(plain).toMatchObject({ PATH_INFO: '/a b', QUERY_STRING: 'x=1', HTTP_X_PROBE: 'yes', 'app.note': 'set through the proxy' });
  expect(viaProxy).toBe('/a b');
  expect(keys).toEqual(Object.keys(plain));
});

test('plainEnviron copies an environ that is not the proxy', () => {
  const own = { PATH_INFO: '/x' };
  const plain = plainEnviron(own as never);
  expect(plain).toEqual(own);
  expect(plain).not.toBe(own);
});
