// A worker at its descriptor limit (issue 23 #8): an app leaking a descriptor per request, under
// `prlimit --nofile`. Before, sync workers crashed with an uncaught "fcntl(F_DUPFD_CLOEXEC)
// failed" stack (56 boots in 18 s) and async ones accepted and closed connections for good while
// the master saw nothing. Now a worker that runs out stops accepting (the connections wait for
// another worker), says so once, and leaves in order after `timeout` if it stays out; the master
// replaces it, and requests are answered (but those libuv closes as it runs out).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, test } from 'vitest';
import { freePort } from '../../conformance/drivers/launch.ts';
import { eventually } from '../../spec/harness/eventually.ts';
import { classFlags, PREFORK } from './prefork-process.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prefork-fds-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
fs.writeFileSync(
  path.join(dir, 'leak.mjs'),
  `import fs from 'node:fs';
export default () => {
  try { fs.openSync('/dev/null', 'r'); } catch {} // a leak; the app's own failure is not the point
  return new Response(String(process.pid));
};
`,
);

const CLIENTS = 32;
const PER_CLIENT = 13;

describe.each(['sync', 'gthread', 'async'] as const)('%s', (cls) => {
  test('a worker out of descriptors stops accepting, says so once, leaves after timeout; requests are answered', async () => {
    const port = await freePort();
    const child = spawn('prlimit', ['--nofile=96', process.execPath, PREFORK, '-b', `127.0.0.1:${port}`, '-w', '2', ...classFlags(cls), '--timeout', '2', 'leak.mjs'], { cwd: dir });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    try {
      await eventually(() => fetch(`http://127.0.0.1:${port}/`, { headers: { Connection: 'close' } }).then((r) => r.ok), { within: 15_000, what: 'the server' });
      // Clients at once, as a load tool would: running out then meets connections waiting, and
      // requests in flight use descriptors between two accepts.
      const outcomes: Record<string, number> = {};
      await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          for (let i = 0; i < PER_CLIENT; i++) {
            const outcome = await fetch(`http://127.0.0.1:${port}/`, { headers: { Connection: 'close' }, signal: AbortSignal.timeout(10_000) }).then(
              (r) => String(r.status),
              (e: Error & { cause?: { code?: string } }) => e.cause?.code ?? e.name,
            );
            outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
          }
        }),
      );
      // libuv, meeting EMFILE on accept, accepts and closes every connection waiting and says
      // nothing: the worker must stop accepting before. With 8 clients the app's leaks between two
      // accepts stayed within the headroom but for rare runs under load (Node 24 async in CI: 182 of
      // 400); with 32, async answered 169 of 416 (247 closed) until the worker also looked at its
      // free descriptors when a connection ended. First: 158 (gthread) and 234 (async) of 400.
      expect(outcomes['200'], `${JSON.stringify(outcomes)}\n${output.slice(-2000)}`).toBeGreaterThanOrEqual(0.75 * CLIENTS * PER_CLIENT);
      expect(output).toMatch(/Too many open files: not accepting/);
      expect(output).not.toMatch(/F_DUPFD_CLOEXEC\) failed\n\s+at /);
      expect(output).not.toMatch(/^\s+at /m);
      // Each worker that ran out left in order and was replaced.
      expect(output.match(/Booting worker/g)!.length, output.slice(-2000)).toBeGreaterThan(2);
    } finally {
      child.kill('SIGTERM');
    }
  }, 90_000);
});
