// Settings a gunicorn user reaches for (issue 26 #6), with gunicorn's names and meaning, and the
// README's table of every gunicorn 20.1 setting with what prefork does with it.
import { execFile, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { freePort } from '../../conformance/drivers/launch.ts';
import { eventually } from '../../spec/harness/eventually.ts';
import { tempDir } from '../temp-dirs.ts';
import { KIT, PREFORK, preforkLauncher } from './prefork-process.ts';

const run = promisify(execFile);
const prefork = preforkLauncher();
const APP = 'dist/fixtures/probe/reference/probe.js';

/** `prefork ARGS` to its end: exit code and output. */
async function once(args: string[]): Promise<{ code: number; out: string }> {
  return run(process.execPath, [PREFORK, ...args], { cwd: KIT, timeout: 20_000 }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
  );
}

describe('--check-config: load the app once and exit (gunicorn: 0 if it loads, 1 if not)', () => {
  test('an app that loads: exit 0, nothing bound, no worker', async () => {
    const port = await freePort();
    const { code, out } = await once(['--check-config', '-b', `127.0.0.1:${port}`, APP]);
    expect({ code, out }).toMatchObject({ code: 0 });
    expect(out).not.toMatch(/Listening at|Booting worker/);
  });

  test('an app that fails to load: exit 1 and the error, without the kit\'s frames', async () => {
    const dir = tempDir('prefork-check-');
    fs.writeFileSync(path.join(dir, 'broken.mjs'), "throw new Error('no database configured');\n");
    const { code, out } = await once(['--check-config', path.join(dir, 'broken.mjs')]);
    expect(code).toBe(1);
    expect(out).toMatch(/no database configured/);
    expect(out).not.toMatch(/dist\/reference/);
  });

  test('a bad setting is still a usage error (exit 2), before any load', async () => {
    expect((await once(['--check-config', '-w', '0', APP])).code).toBe(2);
  });
});

describe('--error-logfile / --log-file: the server\'s log lines go to a file', () => {
  test('the master\'s and the workers\' lines are in the file, not on stderr; USR1 reopens it', async () => {
    const dir = tempDir('prefork-errlog-');
    const file = path.join(dir, 'error.log');
    const port = await freePort();
    let stderr = '';
    const master = prefork(['--error-logfile', file, '-b', `127.0.0.1:${port}`, '-w', '1', APP], { stdio: ['ignore', 'ignore', 'pipe'] });
    master.stderr!.on('data', (d) => (stderr += d));
    await eventually(() => fetch(`http://127.0.0.1:${port}/pid`).then((r) => r.ok), { within: 15_000, what: 'the server' });
    const log = () => fs.readFileSync(file, 'utf8');
    await eventually(() => /Starting prefork/.test(log()) && /Booting worker with pid/.test(log()), { within: 5000, what: 'the log lines in the file', seen: log });
    expect(stderr).not.toMatch(/\[INFO\]/);
    // Rotated away: after USR1 the master writes to a new file of the same name.
    fs.renameSync(file, `${file}.1`);
    master.kill('SIGUSR1');
    await eventually(() => fs.existsSync(file), { within: 5000, what: 'the log file reopened' });
    master.kill('SIGTERM');
    await new Promise((resolve) => master.once('exit', resolve));
    expect(log()).toMatch(/Shutting down: Master/);
  });

  test('"-" is stderr, gunicorn\'s default', async () => {
    const { settings } = await import('../../reference/cli.ts').then((m) => m.parse(['--log-file', '-', 'a.ts']));
    expect(settings.errorLogfile).toBe('-');
  });
});

describe('--capture-output: the app\'s own stdout and stderr go to the error log', () => {
  const app = (dir: string) => {
    const file = path.join(dir, 'app.mjs');
    fs.writeFileSync(file, "export default () => { console.log('said on stdout'); console.error('said on stderr'); return new Response('ok'); };\n");
    return file;
  };

  test('with an error log file: both streams of the workers land in it, and after USR1 in the new file', async () => {
    const dir = tempDir('prefork-capture-');
    const file = path.join(dir, 'error.log');
    const port = await freePort();
    let printed = '';
    const master = prefork(['--error-logfile', file, '--capture-output', '-b', `127.0.0.1:${port}`, '-w', '1', app(dir)], { stdio: ['ignore', 'pipe', 'pipe'] });
    master.stdout!.on('data', (d) => (printed += d));
    master.stderr!.on('data', (d) => (printed += d));
    await eventually(() => fetch(`http://127.0.0.1:${port}/`).then((r) => r.ok), { within: 15_000, what: 'the server' });
    const log = () => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
    await eventually(() => log().includes('said on stdout') && log().includes('said on stderr'), { within: 5000, what: 'the app\'s lines in the log file', seen: log });
    fs.renameSync(file, `${file}.1`);
    master.kill('SIGUSR1');
    await eventually(async () => (await fetch(`http://127.0.0.1:${port}/`)).ok && log().includes('said on stdout'), { within: 5000, what: 'the app\'s lines in the reopened file', seen: log });
    expect(printed).not.toMatch(/said on/);
  });

  test('without it the app\'s output stays on the server\'s stdout and stderr', async () => {
    const dir = tempDir('prefork-capture-');
    const file = path.join(dir, 'error.log');
    const port = await freePort();
    let printed = '';
    const master = prefork(['--error-logfile', file, '-b', `127.0.0.1:${port}`, '-w', '1', app(dir)], { stdio: ['ignore', 'pipe', 'pipe'] });
    master.stdout!.on('data', (d) => (printed += d));
    master.stderr!.on('data', (d) => (printed += d));
    await eventually(() => fetch(`http://127.0.0.1:${port}/`).then((r) => r.ok), { within: 15_000, what: 'the server' });
    await eventually(() => printed.includes('said on stdout') && printed.includes('said on stderr'), { within: 5000, what: 'the app\'s lines on the server\'s streams' });
    expect(fs.readFileSync(file, 'utf8')).not.toMatch(/said on/);
  });
});

/** A StatsD sink on a UDP port of its own: the metric lines it got, in order, while `use` runs. */
async function withStatsdSink(use: (sinkPort: number, lines: string[]) => Promise<void>): Promise<void> {
  const sink = dgram.createSocket('udp4');
  const lines: string[] = [];
  sink.on('message', (m) => lines.push(...String(m).split('\n').filter(Boolean)));
  await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
  try {
    await use(sink.address().port, lines);
  } finally {
    sink.close();
  }
}

/** A server of `args` on a free port, once it answers; its port. */
async function serving(args: string[]): Promise<number> {
  const port = await freePort();
  prefork([...args, '-b', `127.0.0.1:${port}`, APP]);
  await eventually(() => fetch(`http://127.0.0.1:${port}/pid`).then((r) => r.ok, () => false), { within: 15_000, what: 'the server' });
  return port;
}

describe('--statsd-host / --statsd-prefix: gunicorn\'s StatsD metrics', () => {
  test('per request, the worker count, and warnings counted, under the prefix', async () => {
    await withStatsdSink(async (sinkPort, lines) => {
      const port = await serving(['--statsd-host', `127.0.0.1:${sinkPort}`, '--statsd-prefix', 'shop', '-w', '2']);
      const { pid } = (await (await fetch(`http://127.0.0.1:${port}/pid`)).json()) as { pid: number };
      expect((await fetch(`http://127.0.0.1:${port}/no-such-route`)).status).toBe(404);
      const count = (line: string) => lines.filter((l) => l === line).length;
      // Before the kill: a datagram the worker had not sent yet would die with it.
      await eventually(() => count('shop.gunicorn.requests:1|c') >= 3, { within: 5000, what: 'the request metrics', seen: () => lines.join(' ') });
      process.kill(pid, 'SIGKILL'); // the master says so at warning level: "Worker (pid:N) was sent SIGKILL!"
      await eventually(() => count('shop.gunicorn.log.warning:1|c') >= 1, { within: 5000, what: 'the warning counted', seen: () => lines.join(' ') });
      expect(count('shop.gunicorn.request.status.200:1|c')).toBeGreaterThanOrEqual(2);
      expect(count('shop.gunicorn.request.status.404:1|c')).toBe(1);
      expect(lines.filter((l) => /^shop\.gunicorn\.request\.duration:\d+\|ms$/.test(l)).length).toBeGreaterThanOrEqual(3);
      expect(lines).toContain('shop.gunicorn.workers:2|g');
    });
  });

  test('--dogstatsd-tags: every datagram ends with the tags, as gunicorn appends them', async () => {
    await withStatsdSink(async (sinkPort, lines) => {
      await serving(['--statsd-host', `127.0.0.1:${sinkPort}`, '--dogstatsd-tags', 'env:prod,team:web', '-w', '1']);
      await eventually(() => lines.includes('gunicorn.requests:1|c|#env:prod,team:web'), { within: 5000, what: 'a tagged request metric', seen: () => lines.join(' ') });
      await eventually(() => lines.includes('gunicorn.workers:1|g|#env:prod,team:web'), { within: 5000, what: 'the tagged worker gauge', seen: () => lines.join(' ') });
      expect(lines.filter((l) => !l.endsWith('|#env:prod,team:web'))).toEqual([]);
    });
  });

  test('a --statsd-host that is not HOST:PORT is refused by name (exit 2)', async () => {
    const { code, out } = await once(['--statsd-host', 'localhost', APP]);
    expect(code).toBe(2);
    expect(out).toMatch(/option --statsd-host: expected HOST:PORT/);
  });

  test('tags that would break a datagram are refused by name (exit 2)', async () => {
    const { code, out } = await once(['--statsd-host', 'localhost:8125', '--dogstatsd-tags', 'env:prod|c', APP]);
    expect(code).toBe(2);
    expect(out).toMatch(/option --dogstatsd-tags: expected comma-separated tags/);
  });
});

// Every setting of Debian's gunicorn (20.1) has a row in the README's table, and a row that says
// prefork has it names a flag `prefork --help` lists.
describe('the README\'s gunicorn settings table', () => {
  const gunicorn = spawnSync('/usr/bin/python3', ['-m', 'gunicorn', '--help'], { encoding: 'utf8' });
  const hasGunicorn = gunicorn.status === 0;
  if (!hasGunicorn && process.env.CI === 'true') throw new Error('CI=true but Debian\'s gunicorn is missing: .ci/run installs python3-gunicorn');
  const readme = fs.readFileSync(path.join(KIT, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('| gunicorn setting |'), readme.indexOf('\n\n', readme.indexOf('| gunicorn setting |')));
  const rows = table.split('\n').slice(2).map((line) => line.split('|').map((cell) => cell.trim()));

  test.skipIf(!hasGunicorn)('a row for every option of gunicorn --help', () => {
    const options = [...new Set(gunicorn.stdout.split('\n').filter((l) => /^ {2}-/.test(l)).flatMap((l) => l.match(/--[a-z0-9-]+/g) ?? []))];
    const named = new Set(rows.flatMap((cells) => cells[1]?.match(/--[a-z0-9-]+/g) ?? []));
    expect(options.length).toBeGreaterThan(60);
    expect(options.filter((o) => !named.has(o) && o !== '--help' && o !== '--version')).toEqual([]);
  });

  test('each row says same, differs or not offered; one prefork has names a flag prefork --help lists', async () => {
    const help = (await once(['--help'])).out;
    expect(rows.length).toBeGreaterThan(60);
    for (const cells of rows) {
      const [, setting, status, flags] = cells;
      expect(status, setting).toMatch(/^(same|differs|not offered)$/);
      if (status === 'not offered') continue;
      for (const flag of flags.match(/--[a-z0-9-]+/g) ?? []) expect(help, `${setting}: ${flag}`).toContain(flag);
      expect(flags, setting).toMatch(/--/);
    }
  });
});
