// An app that exits the process (probe /exit) ends its worker in every class, and the master
// replaces it. In gthread the app runs on a thread, where process.exit() would end only that
// thread: the pool must turn it into the worker's exit (gunicorn: SystemExit leaves the worker).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { freePort } from '../../conformance/drivers/launch.ts';
import { liveChildren } from '../../conformance/drivers/proc.ts';
import { eventually } from '../../spec/harness/eventually.ts';
import { tempDir } from '../temp-dirs.ts';
import { classFlags, preforkLauncher } from './prefork-process.ts';

describe('an app that exits', () => {
  const prefork = preforkLauncher();

  test.each(['sync', 'gthread', 'async'])('%s: the worker exits and is replaced', async (cls) => {
    const port = await freePort();
    const child = prefork(['-b', `127.0.0.1:${port}`, ...classFlags(cls), 'fixtures/probe/reference/probe.ts']);
    const pidOf = () => fetch(`http://127.0.0.1:${port}/pid`).then((r) => r.json()).then((b) => b.pid as number);
    const first = await eventually(pidOf, { within: 15_000, what: 'the probe to answer' });
    await fetch(`http://127.0.0.1:${port}/exit?code=7`, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined); // no answer: 3 and 4 would halt the master, as in gunicorn
    await eventually(async () => !(await liveChildren(child.pid!)).includes(first), { within: 5_000, what: `worker ${first} to exit` });
    const second = await eventually(pidOf, { within: 15_000, what: 'a replacement to answer' });
    expect(second).not.toBe(first);
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  });
});

// Exiting while it loads (or failing to load) is a boot error in every class, gthread too, whose
// threads load the app while the worker's main thread waits: the master halts rather than loop.
describe('an app that exits or throws while it loads', () => {
  const prefork = preforkLauncher();
  const dir = tempDir('prefork-load-exit-');
  fs.writeFileSync(path.join(dir, 'exits.mjs'), 'process.exit(5);\n');
  fs.writeFileSync(path.join(dir, 'throws.mjs'), "throw new Error('broken at load');\n");

  test.each([
    ['sync', 'exits', 3],
    ['gthread', 'exits', 3],
    ['async', 'exits', 3],
    ['sync', 'throws', 4],
    ['gthread', 'throws', 4],
    ['async', 'throws', 4],
  ])('%s, an app that %s: the master exits %i', async (cls, app, status) => {
    const child = prefork(['-b', `127.0.0.1:${await freePort()}`, ...classFlags(cls), path.join(dir, `${app}.mjs`)]);
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(status);
  });
});
