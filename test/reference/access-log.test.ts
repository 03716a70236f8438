// --access-logfile writes gunicorn's line format; USR1 to the master makes workers reopen it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { freePort } from '../../conformance/drivers/launch.ts';
import { eventually } from '../../spec/harness/eventually.ts';
import { preforkLauncher } from './prefork-process.ts';

const prefork = preforkLauncher();

test('access log lines, and reopening on USR1', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prefork-log-'));
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
