// When a started server counts as ready. A preloading master prints the probe's loaded line before
// it forks, so its workers count from the moment they exist; one that is still starting (its
// threads running, its own signal handlers not yet set) is not ready: uWSGI loses a HUP sent to it
// in that instant and replaces the workers only after --worker-reload-mercy. Readiness waits until
// no thread of any worker runs, for a bounded time: a server whose worker keeps a thread busy is
// still judged, only a little later.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { waitReady } from '../conformance/drivers/readiness.ts';
import { defaultConfig } from '../spec/harness/case.ts';
import type { Server } from '../spec/harness/types.ts';
import type { Target } from '../conformance/manifest.ts';

let listener: net.Server;
let port: number;
beforeAll(async () => {
  listener = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  port = (listener.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => listener.close(() => resolve())));

const MASTER = 100;
const target: Target = { dir: '/nonexistent', manifest: { name: 'fake', command: ['true'], gateway: 'wsgi' } as Target['manifest'] };

/** A preloading server of two workers whose thread states the test scripts, one reading per look. */
function preloading(states: (pid: number, look: number) => string[]): Server & { looks: number } {
  const looks = new Map<number, number>();
  const server = {
    host: '127.0.0.1',
    port,
    extraPorts: [],
    config: { ...defaultConfig('sync'), workers: 2 },
    startedPid: MASTER,
    masterPid: MASTER,
    startedIsMaster: true,
    looks: 0,
    workers: async () => [101, 102],
    threadStates: async (pid: number) => {
      const look = (looks.get(pid) ?? 0) + 1;
      looks.set(pid, look);
      server.looks = Math.max(server.looks, look);
      return states(pid, look);
    },
    alive: async () => true,
    signal: async () => undefined,
    command: async () => ({ code: 0, output: '' }),
    exitStatus: () => null,
    logs: () => `conform-probe: loaded pid=${MASTER}\n`,
    stop: async () => undefined,
  };
  return server;
}

describe('readiness of a preloading server', () => {
  test('waits until no thread of any worker runs', async () => {
    // Worker 102 still starts (runs) for its first three looks, then waits in its accept.
    const server = preloading((pid, look) => (pid === 102 && look <= 3 ? ['R', 'S'] : ['S', 'S']));
    expect(await waitReady(server, target)).toBeUndefined();
    expect(server.looks).toBeGreaterThanOrEqual(4);
  });

  test('a worker that never stops running delays readiness by a bound, and is no failure', async () => {
    const server = preloading(() => ['R']);
    const began = Date.now();
    expect(await waitReady(server, target)).toBeUndefined();
    expect(server.looks).toBeGreaterThan(2);
    expect(Date.now() - began).toBeLessThan(10_000);
  });

  test('a worker already gone (no threads to read) does not hold readiness', async () => {
    const server = preloading(() => []);
    expect(await waitReady(server, target)).toBeUndefined();
    expect(server.looks).toBe(1);
  });
});

describe('a command that wraps the server without exec', () => {
  test('the app loaded by processes that are not the master\'s children: the message names the wrapper', async () => {
    // sh -c "cd dir && gunicorn ...": the shell is the started process, gunicorn's master (101) its
    // only child, and the workers that loaded the app (201, 202) are grandchildren.
    const server = {
      ...preloading(() => ['S']),
      workers: async () => [101],
      logs: () => 'conform-probe: loaded pid=201\nconform-probe: loaded pid=202\n',
    };
    const manifest = { ...target.manifest, readiness: { timeoutMs: 300 } } as Target['manifest'];
    const why = await waitReady(server, { ...target, manifest });
    expect(why).toMatch(/1 of 2 worker\(s\) exist \(the app was loaded by 201, 202, which are not children of the master \(100\): a wrapper \(a shell, a script\) must exec the server, or processes\.master names the server's master\)/);
  });
});

describe('a server that serves alone at the count asked', () => {
  test('no worker, the app loaded by the master: the message names the settings bound', async () => {
    // uvicorn --workers 1 runs one process and no supervisor.
    const server = { ...preloading(() => ['S']), workers: async () => [] };
    const manifest = { ...target.manifest, readiness: { timeoutMs: 300 } } as Target['manifest'];
    const why = await waitReady(server, { ...target, manifest });
    expect(why).toMatch(/0 of 2 worker\(s\) exist \(the process the kit started loaded the app itself and runs no worker: .*"settings": \{"workers": \{"min": 2\}\}\)/);
  });
});
