// A worker killed for a missed heartbeat leaves, in the master's log, the stack its JavaScript was
// stuck in: function names, files, lines (what gunicorn's users ask for on "WORKER TIMEOUT").
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { freePort } from '../../conformance/drivers/launch.ts';
import { eventually } from '../../spec/harness/eventually.ts';
import { tempDir } from '../temp-dirs.ts';
import { preforkLauncher } from './prefork-process.ts';

describe('a timed-out worker says where it was stuck', () => {
  const prefork = preforkLauncher();

  test.each(['sync', 'async'])('%s: a CPU-bound loop in the app', async (cls) => {
    const port = await freePort();
    const child = prefork(['-b', `127.0.0.1:${port}`, '-w', '1', '-k', cls, '--timeout', '2', 'dist/fixtures/probe/reference/probe.js'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout!.on('data', (d) => (log += d));
    child.stderr!.on('data', (d) => (log += d));
    await eventually(() => fetch(`http://127.0.0.1:${port}/pid`).then((r) => r.ok), { within: 15_000, what: 'the server to answer' });
    void fetch(`http://127.0.0.1:${port}/busy?ms=20000`).catch(() => undefined);
    await eventually(() => /WORKER TIMEOUT/.test(log) && /Booting worker/g.test(log.slice(log.indexOf('WORKER TIMEOUT'))), { within: 15_000, what: 'a timeout and a replacement', seen: () => log.slice(-2000) });
    const after = log.slice(log.indexOf('WORKER TIMEOUT'));
    // The probe's /busy loop: its file and a line number, inside the handler that called it.
    expect(after, after).toMatch(/at \S+ \(file:\/\/\S*fixtures\/probe\/reference\/probe\.js:\d+:\d+\)/);
    expect(after).toMatch(/main thread/i);
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }, 40_000);

  // gthread's main thread keeps beating while the app runs in a pool thread, so (as in gunicorn)
  // nothing is killed; the worker logs, once per request, the stack of a thread whose request has
  // run longer than the timeout, and goes on serving.
  test('gthread: a request that outlives the timeout in a pool thread', async () => {
    const port = await freePort();
    const child = prefork(['-b', `127.0.0.1:${port}`, '-w', '1', '-k', 'gthread', '--threads', '2', '--timeout', '1', 'dist/fixtures/probe/reference/probe.js'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout!.on('data', (d) => (log += d));
    child.stderr!.on('data', (d) => (log += d));
    try {
      await eventually(() => fetch(`http://127.0.0.1:${port}/pid`).then((r) => r.ok), { within: 15_000, what: 'the server to answer' });
      const pid = await (await fetch(`http://127.0.0.1:${port}/pid`)).text();
      const busy = fetch(`http://127.0.0.1:${port}/busy?ms=4000`).then((r) => r.status);
      await eventually(() => /has run for/.test(log), { within: 10_000, what: 'the long request to be reported', seen: () => log.slice(-2000) });
      const report = log.slice(log.indexOf('Request GET'));
      expect(report, report).toMatch(/^Request GET \/busy\?ms=4000 has run for/);
      expect(report, report).toMatch(/at \S+ \(file:\/\/\S*fixtures\/probe\/reference\/probe\.js:\d+:\d+\)/);
      // The other thread serves meanwhile, the request ends, the worker stays, and it was said once.
      expect(await (await fetch(`http://127.0.0.1:${port}/pid`)).text()).toBe(pid);
      expect(await busy).toBe(200);
      expect(log.match(/has run for/g)).toHaveLength(1);
      expect(log).not.toMatch(/WORKER TIMEOUT/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }, 40_000);

  // A gthread worker that misses its heartbeat is one whose first pool thread is still loading
  // the app when the timeout comes (the main thread beats once it serves; it runs no app code).
  // Its main thread is then free, idle: the answer is where the loading thread is.
  test('gthread: a worker whose app never finishes loading in its pool thread', async () => {
    const dir = tempDir('prefork-stuck-load-');
    fs.writeFileSync(path.join(dir, 'app.mjs'), `function stuckLoading() {\n  for (;;) {}\n}\nstuckLoading();\nexport default () => new Response('never');\n`);
    const port = await freePort();
    const child = prefork(['-b', `127.0.0.1:${port}`, '-w', '1', '-k', 'gthread', '--threads', '2', '--timeout', '2', path.join(dir, 'app.mjs')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout!.on('data', (d) => (log += d));
    child.stderr!.on('data', (d) => (log += d));
    try {
      await eventually(() => /timed out;[^]*\n\S/.test(log), { within: 20_000, what: 'a timeout and its stack', seen: () => log.slice(-2000) });
      const after = log.slice(log.indexOf('timed out;'));
      expect(after, after).toMatch(/at stuckLoading \(file:\/\/\S*app\.mjs:2:\d+\)/);
      expect(after, after).toMatch(/thread \d+, loading the app/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }, 40_000);
});
