// A gthread worker serves once one thread has loaded the app; the others load after it (issue 27:
// boot is how long a reload, a respawn and a scale-up take, and N isolates loading at once on
// the machine's cores made a 4-thread worker's first answer ~4x later than one thread's).
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

test("the worker's main thread does not load the app: only its pool threads run it", async () => {
  // A copy on the main thread would never serve a request and cost the worker the app's memory
  // and its load time before the first thread starts.
  const dir = tempDir('prefork-main-thread-');
  const loads = path.join(dir, 'loads');
  fs.writeFileSync(
    path.join(dir, 'app.mjs'),
    `import fs from 'node:fs';
import { threadId } from 'node:worker_threads';
fs.appendFileSync(${JSON.stringify(loads)}, threadId + '\\n');
export default () => new Response('ok');
`,
  );
  const port = await freePort();
  prefork(['-b', `127.0.0.1:${port}`, '-w', '1', '-k', 'gthread', '--threads', '2', path.join(dir, 'app.mjs')]);
  await eventually(() => fetch(`http://127.0.0.1:${port}/`).then((r) => r.ok, () => false), { within: 15_000, what: 'the server to answer' });
  const threads = await eventually(
    () => {
      const ids = fs.readFileSync(loads, 'utf8').trim().split('\n');
      return ids.length >= 2 ? ids : undefined;
    },
    { within: 15_000, what: 'both pool threads to load the app' },
  );
  expect(threads.sort()).not.toContain('0');
  expect(threads).toHaveLength(2);
}, 60_000);
