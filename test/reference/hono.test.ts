// The reference runs a real Hono app: the fetch-style gateway needs no adapter.
import { describe, expect, test } from 'vitest';
import { freePort } from '../../conformance/drivers/launch.ts';
import { eventually } from '../../spec/harness/eventually.ts';
import { classFlags, preforkLauncher } from './prefork-process.ts';

describe('prefork serves a Hono app', () => {
  const prefork = preforkLauncher();

  test.each(['sync', 'gthread', 'async'])('with the %s class', async (cls) => {
    const port = await freePort();
    const child = prefork(['-b', `127.0.0.1:${port}`, '-w', '2', ...classFlags(cls), 'fixtures/apps/hono-app.ts']);
    const hello = await eventually(() => fetch(`http://127.0.0.1:${port}/hello/world`).then((r) => r.json()), { within: 15_000, what: 'the Hono app to answer' });
    expect(hello.hello).toBe('world');
    const echoed = await fetch(`http://127.0.0.1:${port}/echo`, { method: 'POST', body: 'ping' }).then((r) => r.text());
    expect(echoed).toBe('ping');
    const missing = await fetch(`http://127.0.0.1:${port}/nope`);
    expect(missing.status).toBe(404);
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(child.exitCode).toBe(0);
  });
});
