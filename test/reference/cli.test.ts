// The reference's command line: every flag reaches its setting; bad values are refused by name.
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { parse } from '../../reference/cli.ts';
import { defaults, effectiveWorkerClass } from '../../reference/settings.ts';
import { tempDir } from '../temp-dirs.ts';

describe('prefork flags', () => {
  test('gunicorn defaults', () => {
    const d = defaults();
    expect(d).toMatchObject({ bind: ['127.0.0.1:8000'], workers: 1, workerClass: 'sync', threads: 1, workerConnections: 1000, timeout: 30, gracefulTimeout: 30, keepalive: 2, maxRequests: 0, backlog: 2048, limitRequestLine: 4094, limitRequestFields: 100, limitRequestFieldSize: 8190 });
  });

  test('every flag reaches its setting', async () => {
    const { settings, app } = await parse([
      '-b', '127.0.0.1:9001', '--bind', '[::1]:9002', '-w', '3', '-k', 'async', '--threads', '4', '--worker-connections', '7',
      '-t', '9', '--graceful-timeout', '8', '--keep-alive', '1', '--max-requests', '50', '--max-requests-jitter', '5',
      '--backlog', '64', '--limit-request-line', '100', '--limit-request-fields', '10', '--limit-request-field-size', '200',
      '--forwarded-allow-ips', '10.0.0.1,*', '--preload', '-p', '/tmp/x.pid', '--log-level', 'debug', '--access-logfile', '-', 'app.ts',
    ]);
    expect(app).toBe('app.ts');
    expect(settings).toMatchObject({
      bind: ['127.0.0.1:9001', '[::1]:9002'], workers: 3, workerClass: 'async', threads: 4, workerConnections: 7, timeout: 9,
      gracefulTimeout: 8, keepalive: 1, maxRequests: 50, maxRequestsJitter: 5, backlog: 64, limitRequestLine: 100,
      limitRequestFields: 10, limitRequestFieldSize: 200, forwardedAllowIps: ['10.0.0.1', '*'], preload: true,
      pidfile: '/tmp/x.pid', logLevel: 'debug', accessLogfile: '-',
    });
  });

  test('gunicorn\'s spellings of a flag work too (--limit-request-field_size, --log-file)', async () => {
    const { settings } = await parse(['--limit-request-field_size', '300', '--log-file', 'x.log', 'a.ts']);
    expect(settings).toMatchObject({ limitRequestFieldSize: 300, errorLogfile: 'x.log' });
  });

  test('sync with threads > 1 is gthread', async () => {
    expect(effectiveWorkerClass((await parse(['--threads', '2', 'a.ts'])).settings)).toBe('gthread');
  });

  test.each([
    [['-w', '0', 'a.ts'], /--workers: expected a whole number from 1/],
    [['-k', 'eventlet', 'a.ts'], /--worker-class: expected one of sync, gthread, async/],
    [['-t', '-1', 'a.ts'], /--timeout: expected a number of seconds >= 0/],
    [['-b', 'nope:port', 'a.ts'], /--bind: expected HOST:PORT/],
  ])('refuses %j', async (argv, message) => {
    await expect(parse(argv)).rejects.toThrow(message);
  });

  test('a JSON config file, with flags winning over it', async () => {
    const file = path.join(tempDir('prefork-'), 'c.json');
    fs.writeFileSync(file, JSON.stringify({ workers: 5, timeout: 3, bind: ['127.0.0.1:7000'] }));
    const { settings } = await parse(['-c', file, '-t', '4', 'a.ts']);
    expect(settings).toMatchObject({ workers: 5, timeout: 4, bind: ['127.0.0.1:7000'] });
    fs.writeFileSync(file, JSON.stringify({ wokers: 5 }));
    await expect(parse(['-c', file, 'a.ts'])).rejects.toThrow(/unknown setting "wokers"/);
    // A repeatable setting takes an array in the file, each value checked as a flag's would be.
    fs.writeFileSync(file, JSON.stringify({ reloadExtraFiles: [file, file] }));
    expect((await parse(['-c', file, 'a.ts'])).settings.reloadExtraFiles).toEqual([file, file]);
    expect((await parse(['--reload-extra-file', file, '--reload-extra-file', file, 'a.ts'])).settings.reloadExtraFiles).toEqual([file, file]);
    fs.writeFileSync(file, JSON.stringify({ reloadExtraFiles: ['/no/such/file'] }));
    await expect(parse(['-c', file, 'a.ts'])).rejects.toThrow(/key "reloadExtraFiles": \/no\/such\/file does not exist/);
    fs.writeFileSync(file, JSON.stringify({ wokers: 5 }));
    await expect(parse(['-c', file, 'a.ts'])).rejects.toThrow(/unknown setting "wokers"/);
  });

  test('a bad $WEB_CONCURRENCY names the variable and the bound of --workers (issue 26)', async () => {
    const saved = process.env.WEB_CONCURRENCY;
    try {
      for (const value of ['x', '2000']) {
        process.env.WEB_CONCURRENCY = value;
        await expect(parse(['a.ts'])).rejects.toThrow(new RegExp(`environment variable WEB_CONCURRENCY: expected a whole number from 1 to 1024, got "${value}"`));
      }
      process.env.WEB_CONCURRENCY = '3';
      expect((await parse(['a.ts'])).settings.workers).toBe(3);
    } finally {
      if (saved === undefined) delete process.env.WEB_CONCURRENCY;
      else process.env.WEB_CONCURRENCY = saved;
    }
  });

  test('a config file\'s bad value is named by its key; "config" is no key of a config file; a gunicorn.conf.py is explained', async () => {
    const dir = tempDir('prefork-');
    const file = path.join(dir, 'c.json');
    fs.writeFileSync(file, JSON.stringify({ workers: 'abc' }));
    await expect(parse(['-c', file, 'a.ts'])).rejects.toThrow(/config file .*c\.json, key "workers": expected a whole number from 1 to 1024, got "abc"/);
    fs.writeFileSync(file, JSON.stringify({ config: 'other.json' }));
    await expect(parse(['-c', file, 'a.ts'])).rejects.toThrow(/key "config" .*only on the command line/);
    fs.writeFileSync(file, JSON.stringify({ wokers: 5 }));
    await expect(parse(['-c', file, 'a.ts'])).rejects.toThrow(/known: (?!.*\bconfig\b).*workers/);
    const python = path.join(dir, 'gunicorn.conf.py');
    fs.writeFileSync(python, 'workers = 2\n');
    await expect(parse(['-c', python, 'a.ts'])).rejects.toThrow(/not gunicorn's Python config.*\.json, \.js, \.mjs or \.ts/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const prefork = (args: string[]) =>
    promisify(execFile)(process.execPath, [path.resolve(import.meta.dirname, '../../reference/bin/prefork.js'), ...args]).then(
      (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
    );

  test('--help shows each setting\'s default', async () => {
    const { code, out: wrapped } = await prefork(['--help']);
    expect(code).toBe(0);
    const out = wrapped.replace(/\s+/g, ' ');
    expect(out).toMatch(/--timeout <seconds>[\s\S]*?\(default: 30\)/);
    expect(out).toMatch(/--keep-alive <seconds>[\s\S]*?\(default: 2\)/);
    expect(out).toMatch(/--bind[\s\S]*?\(default: 127\.0\.0\.1:8000\)/);
  });

  test('no APP: the error, then the usage line', async () => {
    const { code, err } = await prefork([]);
    expect(code).toBe(2);
    expect(err).toMatch(/missing required argument 'APP'/);
    expect(err).toMatch(/Usage: prefork \[options\] APP/);
  });
});
