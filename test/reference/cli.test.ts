// The reference's command line: every flag reaches its setting; bad values are refused by name.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from '../../reference/cli.ts';
import { defaults, effectiveWorkerClass } from '../../reference/settings.ts';

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
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'prefork-')), 'c.json');
    fs.writeFileSync(file, JSON.stringify({ workers: 5, timeout: 3, bind: ['127.0.0.1:7000'] }));
    const { settings } = await parse(['-c', file, '-t', '4', 'a.ts']);
    expect(settings).toMatchObject({ workers: 5, timeout: 4, bind: ['127.0.0.1:7000'] });
    fs.writeFileSync(file, JSON.stringify({ wokers: 5 }));
    await expect(parse(['-c', file, 'a.ts'])).rejects.toThrow(/unknown setting "wokers"/);
  });
});
