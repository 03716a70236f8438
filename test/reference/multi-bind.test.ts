// Several -b addresses: each request's SERVER_NAME/SERVER_PORT name the listener that accepted it
// (gunicorn passes listener.getsockname() to wsgi.create in every worker class).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { freePort } from '../../conformance/drivers/launch.ts';
import { eventually } from '../../spec/harness/eventually.ts';

const KIT = path.resolve(import.meta.dirname, '../..');

describe('prefork with two binds', () => {
  const children: Array<ReturnType<typeof spawn>> = [];
  afterAll(() => children.forEach((c) => c.kill('SIGKILL')));

  test.each(['sync', 'gthread', 'async'])('%s: the environ names the listener that accepted', async (cls) => {
    const [first, second] = [await freePort(), await freePort()];
    const child = spawn(
      process.execPath,
      ['reference/bin/prefork.js', '-b', `127.0.0.1:${first}`, '-b', `127.0.0.1:${second}`, '-k', cls, ...(cls === 'gthread' ? ['--threads', '2'] : []), 'fixtures/probe/reference/probe.ts'],
      { cwd: KIT, stdio: 'ignore' },
    );
    children.push(child);
    const environ = (port: number) =>
      eventually(() => fetch(`http://127.0.0.1:${port}/echo`).then((r) => r.json()), { within: 15_000, what: `the probe on ${port}` }).then((body) => body.environ);
    expect(await environ(first)).toMatchObject({ SERVER_NAME: '127.0.0.1', SERVER_PORT: String(first) });
    expect(await environ(second)).toMatchObject({ SERVER_NAME: '127.0.0.1', SERVER_PORT: String(second) });
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  });
});
