// Several -b addresses: each request's SERVER_NAME/SERVER_PORT name the listener that accepted it
// (gunicorn passes listener.getsockname() to wsgi.create in every worker class).
import { describe, expect, test } from 'vitest';
import { freePort } from '../../conformance/drivers/launch.ts';
import { eventually } from '../../spec/harness/eventually.ts';
import { classFlags, preforkLauncher } from './prefork-process.ts';

describe('prefork with two binds', () => {
  const prefork = preforkLauncher();

  test.each(['sync', 'gthread', 'async'])('%s: the environ names the listener that accepted', async (cls) => {
    const [first, second] = [await freePort(), await freePort()];
    const child = prefork(['-b', `127.0.0.1:${first}`, '-b', `127.0.0.1:${second}`, ...classFlags(cls), 'fixtures/probe/reference/probe.ts']);
    const environ = (port: number) =>
      eventually(() => fetch(`http://127.0.0.1:${port}/echo`).then((r) => r.json()), { within: 15_000, what: `the probe on ${port}` }).then((body) => body.environ);
    expect(await environ(first)).toMatchObject({ SERVER_NAME: '127.0.0.1', SERVER_PORT: String(first) });
    expect(await environ(second)).toMatchObject({ SERVER_NAME: '127.0.0.1', SERVER_PORT: String(second) });
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  });
});
