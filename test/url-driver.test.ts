// `--url HOST:PORT`: a server already running with the probe, which the kit did not start and
// must not stop, is judged by the cases that only read it (a shared server); every case that
// starts, signals or watches a server of its own is unsupported, saying why, never failed.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort } from '../conformance/drivers/launch.ts';
import { conformReport, KIT, runConform as conform } from './conform-cli.ts';
import { tempDir } from './temp-dirs.ts';

const TARGET = path.join(KIT, 'fixtures/targets/node-cluster');

describe('--url: a server the kit did not start', { timeout: 120_000 }, () => {
  let server: ChildProcess;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    server = spawn(process.execPath, [path.join(KIT, 'fixtures/servers/node-cluster/server.mjs'), '--bind', `127.0.0.1:${port}`, '--workers', '2', path.join(KIT, 'fixtures/probe/fetch/probe.mjs')], { stdio: 'ignore', detached: true });
    const deadline = Date.now() + 15_000;
    for (;;) {
      const up = await new Promise<boolean>((resolve) => net.connect(port, '127.0.0.1').once('connect', function (this: net.Socket) { this.destroy(); resolve(true); }).once('error', () => resolve(false)));
      if (up) break;
      if (Date.now() > deadline) throw new Error('the test server never listened');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  afterAll(() => {
    if (server.pid) process.kill(-server.pid, 'SIGKILL');
  });

  test('the reading cases are judged, the others unsupported with the reason; the server keeps running', async () => {
    const only = 'http.keepalive,http.date-header,http.reject-cl-te,gateway.request.headers,gateway.fetch.url-target,prefork.worker-count,lifecycle.respawn,signals.term-graceful';
    const { code, out, results, target } = await conformReport(tempDir('conform-url-'), ['--target', TARGET, '--url', `127.0.0.1:${port}`, '--only', only]);
    const status = Object.fromEntries(results.map((r) => [r.id, r.status]));
    expect(status, out).toMatchObject({
      'http.keepalive': 'pass',
      'http.date-header': 'pass',
      // It asks for a server of keepalive 10: the running one's is not the kit's to set.
      'http.reject-cl-te': 'unsupported',
      'gateway.request.headers': 'pass',
      'gateway.fetch.url-target': 'pass',
      'prefork.worker-count': 'unsupported',
      'lifecycle.respawn': 'unsupported',
      'signals.term-graceful': 'unsupported',
    });
    const respawn = results.find((r) => r.id === 'lifecycle.respawn')!;
    expect(respawn.message).toMatch(/--url.*starts, signals or watches a server of its own/);
    expect(results.find((r) => r.id === 'http.reject-cl-te')!.message).toMatch(/--url judges a server as it runs: this case needs one started with keepalive 10/);
    expect(target.driver).toBe('url');
    expect(respawn.replay).toContain(`--url 127.0.0.1:${port}`);
    expect(out).toMatch(/driver url \(127\.0\.0\.1:\d+, started by someone else/);
    expect(code, out).toBe(0);
    // Still serving: the kit stopped nothing.
    expect(server.exitCode).toBeNull();
    const answer = await fetch(`http://127.0.0.1:${port}/pid`);
    expect(answer.status).toBe(200);
  });

  test('nothing listening: one error naming the address, exit 2; --url with another driver is refused', async () => {
    const closed = await freePort();
    const began = Date.now();
    const none = await conform(['--target', TARGET, '--url', `127.0.0.1:${closed}`, '--only', 'http.keepalive']);
    expect(none.code, none.out).toBe(2);
    expect(none.out).toMatch(new RegExp(`nothing listens at 127\\.0\\.0\\.1:${closed}`));
    // A refused first connection is an answer: no wait for a server that is not there.
    expect(Date.now() - began).toBeLessThan(8000);
    const both = await conform(['--target', TARGET, '--url', `127.0.0.1:${port}`, '--driver', 'process', '--only', 'http.keepalive']);
    expect(both.code).toBe(2);
    expect(both.out).toMatch(/--url judges a server already running: --driver process starts its own/);
    const bad = await conform(['--target', TARGET, '--url', 'nowhere', '--only', 'http.keepalive']);
    expect(bad.code).toBe(2);
    expect(bad.out).toMatch(/--url: expected HOST:PORT/);
  });
});
