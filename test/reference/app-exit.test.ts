// An app that exits the process (probe /exit) ends its worker in every class, and the master
// replaces it. In gthread the app runs on a thread, where process.exit() would end only that
// thread: the pool must turn it into the worker's exit (gunicorn: SystemExit leaves the worker).
import { describe, expect, test } from 'vitest';
import { freePort } from '../../conformance/drivers/launch.ts';
import { liveChildren } from '../../conformance/drivers/proc.ts';
import { eventually } from '../../spec/harness/eventually.ts';
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
