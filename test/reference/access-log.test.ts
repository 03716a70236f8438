// --access-logfile writes gunicorn's line format; USR1 to the master makes workers reopen it.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { freePort } from '../../conformance/drivers/launch.ts';
import { eventually } from '../../spec/harness/eventually.ts';
import { KIT, PREFORK, preforkLauncher } from './prefork-process.ts';
import { spawnSync } from 'node:child_process';
import { tempDir } from '../temp-dirs.ts';

const prefork = preforkLauncher();

test('access log lines, and reopening on USR1', async () => {
  const dir = tempDir('prefork-log-');
  const file = path.join(dir, 'access.log');
  const port = await freePort();
  const child = prefork(['-b', `127.0.0.1:${port}`, '--access-logfile', file, 'fixtures/apps/hono-app.ts']);
  await eventually(() => fetch(`http://127.0.0.1:${port}/hello/a`, { headers: { 'user-agent': 'probe/1' } }).then((r) => r.ok), { within: 15_000, what: 'the app to answer' });
  const line = await eventually(() => fs.existsSync(file) && fs.readFileSync(file, 'utf8'), { within: 5000, what: 'an access log line' });
  expect(line).toMatch(/^127\.0\.0\.1 - - \[\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] "GET \/hello\/a HTTP\/1\.1" 200 \d+ "-" "probe\/1"\n$/);
  fs.renameSync(file, `${file}.1`);
  child.kill('SIGUSR1');
  await eventually(
    async () => (await fetch(`http://127.0.0.1:${port}/hello/b`)).ok && fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes('/hello/b'),
    { within: 5000, what: 'the next line in a reopened file' },
  );
  // Requests answered before the worker acted on USR1 may still be in the rotated file; the
  // earlier line stays there.
  expect(fs.readFileSync(`${file}.1`, 'utf8')).toContain('/hello/a');
});

test('the byte count is what went on the wire: 0 for HEAD, streamed or not', async () => {
  const dir = tempDir('prefork-log-');
  const file = path.join(dir, 'access.log');
  const app = path.join(dir, 'app.mjs');
  fs.writeFileSync(
    app,
    `export default (request) => new URL(request.url).pathname === '/stream'
      ? new Response(new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('hello')); c.close(); } }))
      : new Response('hello');\n`,
  );
  const port = await freePort();
  prefork(['-b', `127.0.0.1:${port}`, '--access-logfile', file, app]);
  await eventually(() => fetch(`http://127.0.0.1:${port}/simple`).then((r) => r.ok), { within: 15_000, what: 'the app to answer' });
  for (const [method, target] of [['HEAD', '/simple'], ['GET', '/stream'], ['HEAD', '/stream']]) {
    const response = await fetch(`http://127.0.0.1:${port}${target}`, { method });
    expect(await response.text()).toBe(method === 'HEAD' ? '' : 'hello');
  }
  const lines = await eventually(
    () => {
      const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
      return text.split('\n').length > 4 ? text : undefined;
    },
    { within: 5000, what: 'four access log lines' },
  );
  const counts = lines.trim().split('\n').map((line) => /"(\w+) (\S+) HTTP\/1\.1" 200 (\S+)/.exec(line)!.slice(1).join(' '));
  expect(counts).toEqual(['GET /simple 5', 'HEAD /simple 0', 'GET /stream 5', 'HEAD /stream 0']);
});

test('--access-logformat: gunicorn\'s atoms, headers in and out, unknown atoms as "-", quotes escaped', async () => {
  const dir = tempDir('prefork-log-');
  const file = path.join(dir, 'access.log');
  const port = await freePort();
  const format = '%(h)s %(m)s %(U)s %(q)s %(H)s %(s)s %(B)s %(b)s {%({x-req}i)s} {%({content-type}o)s} %(p)s %(M)s %(L)s "%(a)s" %(u)s %(zz)s %({remote_addr}e)s 100%%';
  const child = prefork(['-b', `127.0.0.1:${port}`, '--access-logfile', file, '--access-logformat', format, 'fixtures/apps/hono-app.ts']);
  await eventually(() => fetch(`http://127.0.0.1:${port}/hello/a?x=1`, { headers: { 'user-agent': 'probe "1"', 'x-req': 'r', authorization: `Basic ${Buffer.from('ann:pw').toString('base64')}` } }).then((r) => r.ok), { within: 15_000, what: 'the app to answer' });
  const line = await eventually(() => fs.existsSync(file) && fs.readFileSync(file, 'utf8'), { within: 5000, what: 'an access log line' });
  const pid = /<(\d+)>/.exec(String(line))?.[1];
  expect(line).toMatch(/^127\.0\.0\.1 GET \/hello\/a x=1 HTTP\/1\.1 200 (\d+) \1 \{r\} \{application\/json\} <\d+> \d+ \d+\.\d{6} "probe \\"1\\"" ann - 127\.0\.0\.1 100%\n$/);
  expect(Number(pid)).not.toBe(child.pid); // a worker's pid, as in gunicorn
});

test('--access-logformat refuses a "%" that starts no atom, before anything starts', async () => {
  const result = spawnSync(process.execPath, [PREFORK, '--access-logformat', '%(h)s %d', 'fixtures/apps/hono-app.ts'], { cwd: KIT, encoding: 'utf8', timeout: 20_000 });
  expect(result.status).toBe(2);
  expect(result.stderr).toMatch(/--access-logformat.*"%d".*%\(name\)s/);
});

test('an access log that cannot be opened is said once in the error log; the worker serves on', async () => {
  const dir = tempDir('prefork-log-');
  const port = await freePort();
  let output = '';
  const child = prefork(['-b', `127.0.0.1:${port}`, '--access-logfile', path.join(dir, 'gone', 'access.log'), 'dist/fixtures/probe/reference/probe.js'], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', (d) => (output += d));
  const pid = async () => ((await (await fetch(`http://127.0.0.1:${port}/pid`)).json()) as { pid: number }).pid;
  const worker = await eventually(() => pid().catch(() => undefined), { within: 15_000, what: 'an answer' });
  for (let i = 0; i < 5; i++) expect(await pid()).toBe(worker);
  await eventually(() => /\[ERROR\] Cannot write the access log .*gone\/access\.log: ENOENT/.test(output), { within: 5000, what: 'the error said', seen: () => output });
  expect(output.match(/Cannot write the access log/g)).toHaveLength(1);
  expect(output).not.toMatch(/Unhandled 'error' event/);
});
