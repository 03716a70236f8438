// `ps` names the master and the workers as gunicorn's do ("gunicorn: worker [app]"), not
// ".../dist/reference/workers/boot.js" (issue 26 #4).
import fs from 'node:fs';
import { expect, test } from 'vitest';
import { freePort } from '../../conformance/drivers/launch.ts';
import { liveChildren } from '../../conformance/drivers/proc.ts';
import { eventually } from '../../spec/harness/eventually.ts';
import { classFlags, preforkLauncher } from './prefork-process.ts';

const prefork = preforkLauncher();
const title = (pid: number) => fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ').trim();

test.each(['sync', 'gthread'] as const)('%s: "prefork: master [APP]" and "prefork: worker [APP]"', async (cls) => {
  const port = await freePort();
  const app = 'dist/fixtures/probe/reference/probe.js';
  const master = prefork(['-b', `127.0.0.1:${port}`, '-w', '2', ...classFlags(cls), app]);
  await eventually(() => fetch(`http://127.0.0.1:${port}/pid`).then((r) => r.ok), { within: 15_000, what: 'the server' });
  const workers = await eventually(async () => ((await liveChildren(master.pid!)).length === 2 ? liveChildren(master.pid!) : undefined), { within: 5000, what: 'two workers' });
  expect(title(master.pid!)).toBe(`prefork: master [${app}]`);
  // A worker that answers has its title; the other may still be starting: it soon has it too.
  for (const pid of workers) await eventually(() => title(pid) === `prefork: worker [${app}]`, { within: 5000, what: `worker ${pid}'s title`, seen: () => title(pid) });
  master.kill('SIGTERM');
});

test('-n / --name: the process titles name it instead of the app', async () => {
  const port = await freePort();
  const master = prefork(['-n', 'shop-api', '-b', `127.0.0.1:${port}`, '-w', '1', 'dist/fixtures/probe/reference/probe.js']);
  await eventually(() => fetch(`http://127.0.0.1:${port}/pid`).then((r) => r.ok), { within: 15_000, what: 'the server' });
  expect(title(master.pid!)).toBe('prefork: master [shop-api]');
  const [worker] = await liveChildren(master.pid!);
  await eventually(() => title(worker) === 'prefork: worker [shop-api]', { within: 5000, what: 'the worker\'s title', seen: () => title(worker) });
  master.kill('SIGTERM');
});
