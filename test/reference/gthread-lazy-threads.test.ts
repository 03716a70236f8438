// A gthread worker serves once one thread has loaded the app, and starts another only when a
// request finds every started thread busy (issue 27: boot is how long a reload, a respawn and a
// scale-up take, and N isolates loading at once on the machine's cores made a 4-thread worker's
// first answer ~4x later than one thread's; each idle isolate also weighs ~10-17 MB).
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { freePort } from '../../conformance/drivers/launch.ts';
import { eventually } from '../../spec/harness/eventually.ts';
import { tempDir } from '../temp-dirs.ts';
import { preforkLauncher } from './prefork-process.ts';

const prefork = preforkLauncher();

test('the first answer does not wait for every thread; all of them serve once loaded', async () => {
  const dir = tempDir('prefork-lazy-');
  // The first thread to load goes on; every other one waits for a file the test makes.
  fs.writeFileSync(
    path.join(dir, 'app.mjs'),
    `import fs from 'node:fs';
import { threadId } from 'node:worker_threads';
let first = false;
if (!first) try { fs.writeFileSync(${JSON.stringify(path.join(dir, 'first'))}, String(threadId), { flag: 'wx' }); first = true; } catch {}
while (!first && !fs.existsSync(${JSON.stringify(path.join(dir, 'go'))})) await new Promise((r) => setTimeout(r, 20));
export default async (request) => {
  if (new URL(request.url).pathname === '/hold') await new Promise((r) => setTimeout(r, 1000));
  return new Response(String(threadId));
};
`,
  );
  const port = await freePort();
  prefork(['-b', `127.0.0.1:${port}`, '-w', '1', '-k', 'gthread', '--threads', '3', path.join(dir, 'app.mjs')]);
  const answer = await eventually(() => fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) }).then((r) => (r.ok ? r.text() : undefined), () => undefined), { within: 15_000, what: 'an answer while two of the three threads still load' });
  expect(answer).toBe(fs.readFileSync(path.join(dir, 'first'), 'utf8'));
  fs.writeFileSync(path.join(dir, 'go'), '');
  // Three requests held at once run on three different threads.
  const threads = await eventually(
    async () => {
      const ids = await Promise.all([1, 2, 3].map(() => fetch(`http://127.0.0.1:${port}/hold`).then((r) => r.text())));
      return new Set(ids).size === 3 ? ids : undefined;
    },
    { within: 15_000, what: 'three held requests on three threads' },
  );
  expect(new Set(threads).size).toBe(3);
}, 60_000);

test("threads start as needed: one while requests come one at a time, all of them for requests at once; never on the main thread", async () => {
  // gunicorn's gthread runs requests on a ThreadPoolExecutor, which also starts a thread only when
  // a task finds none idle. The main thread never loads the app: its copy would serve nothing.
  const dir = tempDir('prefork-threads-');
  const loads = path.join(dir, 'loads');
  fs.writeFileSync(
    path.join(dir, 'app.mjs'),
    `import fs from 'node:fs';
import { threadId } from 'node:worker_threads';
fs.appendFileSync(${JSON.stringify(loads)}, threadId + '\\n');
export default async (request) => {
  if (new URL(request.url).pathname === '/hold') await new Promise((r) => setTimeout(r, 700));
  return new Response(String(threadId));
};
`,
  );
  const loaded = () => fs.readFileSync(loads, 'utf8').trim().split('\n');
  const port = await freePort();
  prefork(['-b', `127.0.0.1:${port}`, '-w', '1', '-k', 'gthread', '--threads', '3', path.join(dir, 'app.mjs')]);
  await eventually(() => fetch(`http://127.0.0.1:${port}/`).then((r) => r.ok, () => false), { within: 15_000, what: 'the server to answer' });
  // Two held requests one after the other: over a second in which a thread started with the
  // first would have loaded (~0.1-0.3 s), one thread serves both.
  for (const _ of [1, 2]) expect((await fetch(`http://127.0.0.1:${port}/hold`)).status).toBe(200);
  expect(loaded()).toHaveLength(1);
  // Three at once: each takes a thread of its own, the two new ones started for them.
  const ids = await eventually(
    async () => {
      const answers = await Promise.all([1, 2, 3].map(() => fetch(`http://127.0.0.1:${port}/hold`).then((r) => r.text())));
      return new Set(answers).size === 3 ? answers : undefined;
    },
    { within: 15_000, what: 'three held requests on three threads', seen: () => loaded() },
  );
  expect(loaded().sort()).toEqual([...ids].sort());
  expect(loaded()).not.toContain('0');
}, 60_000);
