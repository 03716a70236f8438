// The listening socket's copies are close-on-exec: a subprocess the app starts must not keep the
// port once the server has stopped (clients would connect and hang; a restart would fail with
// EADDRINUSE). Reproduced before the fix: a `sleep 60` started by the app held the socket, a
// connect after the stop succeeded and was never answered.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { freePort } from '../../conformance/drivers/launch.ts';
import { eventually } from '../../spec/harness/eventually.ts';
import { classFlags, preforkLauncher } from './prefork-process.ts';
import { tempDir } from '../temp-dirs.ts';

const connects = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => (socket.destroy(), resolve(true)));
    socket.on('error', () => resolve(false));
  });

describe('listener copies are close-on-exec', () => {
  const prefork = preforkLauncher();
  const spawned = path.join(tempDir('cloexec-'), 'pids');
  process.env.SPAWNED_PIDS_FILE = spawned; // the servers below inherit it
  afterAll(() => {
    for (const pid of fs.existsSync(spawned) ? fs.readFileSync(spawned, 'utf8').split('\n').filter(Boolean) : []) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone
      }
    }
  });

  test.each(['sync', 'gthread', 'async'])('%s: a subprocess of the app does not keep the port after the stop', async (cls) => {
    const port = await freePort();
    const child = prefork(['-b', `127.0.0.1:${port}`, '-w', '1', ...classFlags(cls), 'fixtures/apps/spawns-child.mjs']);
    await eventually(() => fetch(`http://127.0.0.1:${port}/`).then((r) => r.ok), { within: 15_000, what: 'the app to answer' });
    expect(fs.readFileSync(spawned, 'utf8').trim().split('\n').length).toBeGreaterThan(0);
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(await connects(port), 'a connect after the server stopped').toBe(false);
  });
});
