// Config files as the built `prefork` command reads them (plain node, no TypeScript tooling
// preloaded): .json, .js and .ts, flags winning; a broken file is an error that names it, exit 2.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { freePort } from '../../conformance/drivers/launch.ts';
import { eventually } from '../../spec/harness/eventually.ts';
import { KIT, PREFORK, preforkLauncher } from './prefork-process.ts';
import { tempDir } from '../temp-dirs.ts';

const APP = path.join(KIT, 'fixtures/apps/hono-app.ts');
const dir = tempDir('prefork-config-');

describe('prefork -c FILE', () => {
  const prefork = preforkLauncher();

  test.each([
    ['c.ts', (port: number) => `const workers: number = 2;\nexport default { workers, bind: '127.0.0.1:${port}', timeout: 7 satisfies number };\n`],
    ['c.mjs', (port: number) => `export const workers = 2;\nexport const bind = ['127.0.0.1:${port}'];\n`],
  ])('%s sets bind and workers', async (name, body) => {
    const port = await freePort();
    const file = path.join(dir, name);
    fs.writeFileSync(file, body(port));
    const child = prefork(['-c', file, APP], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr!.on('data', (d) => (log += d));
    const hello = await eventually(() => fetch(`http://127.0.0.1:${port}/hello/config`).then((r) => r.json()), { within: 15_000, what: `the app on the port from ${name}` });
    expect(hello.hello).toBe('config');
    await eventually(() => (log.match(/Booting worker with pid/g)?.length === 2 ? true : undefined), { within: 15_000, what: 'two workers booted' });
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(child.exitCode).toBe(0);
    // gunicorn's wording, for operators reading the log
    expect(log).toMatch(/\[INFO\] Handling signal: term\n[\s\S]*\[INFO\] Worker exiting \(pid: \d+\)\n[\s\S]*\[INFO\] Shutting down: Master\n/);
  });

  test.each([
    ['broken.ts', 'export default { workers: 2,, };\n', /config file .*broken\.ts/],
    ['broken.json', '{ "workers": 2,, }', /config file .*broken\.json/],
    ['unknown.ts', 'export default { wokers: 2 };\n', /unknown setting "wokers"/],
  ])('%s: exit 2 with a message that names the problem', (name, body, message) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, body);
    const run = spawnSync(process.execPath, [PREFORK, '-c', file, APP], { cwd: dir, encoding: 'utf8', timeout: 15_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^prefork: error: /m);
    expect(run.stderr).toMatch(message);
  });
});
