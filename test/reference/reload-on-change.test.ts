// --reload (gunicorn's, for development): when a source file of the app changes, the workers are
// replaced as on HUP (new ones first), so the next request runs the new code. Files that are not
// code (a log written beside the app) change nothing.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { freePort } from '../../conformance/drivers/launch.ts';
import { eventually, holds } from '../../spec/harness/eventually.ts';
import { tempDir } from '../temp-dirs.ts';
import { preforkLauncher } from './prefork-process.ts';

const prefork = preforkLauncher();
const app = (version: string) => `import { version } from './lib/version.mjs';\nexport default () => new Response(\`\${version} ${version} \${process.pid}\`);\n`;

test('an edited module (the app or one it imports) reaches the next request; a log file beside it does not reload', async () => {
  const dir = tempDir('prefork-reload-');
  fs.mkdirSync(path.join(dir, 'lib'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.writeFileSync(path.join(dir, 'lib', 'version.mjs'), "export const version = 'lib1';\n");
  fs.writeFileSync(path.join(dir, 'app.mjs'), app('app1'));
  const port = await freePort();
  let output = '';
  const master = prefork(['--reload', '-w', '1', '-b', `127.0.0.1:${port}`, path.join(dir, 'app.mjs')], { stdio: ['ignore', 'ignore', 'pipe'] });
  master.stderr!.on('data', (d) => (output += d));
  const answer = () => fetch(`http://127.0.0.1:${port}/`).then((r) => r.text(), () => '');
  await eventually(async () => (await answer()).startsWith('lib1 app1'), { within: 15_000, what: 'the first version' });
  const first = (await answer()).split(' ')[2];

  fs.writeFileSync(path.join(dir, 'app.mjs'), app('app2'));
  await eventually(async () => (await answer()).startsWith('lib1 app2'), { within: 10_000, what: 'the edited app in the answer', seen: answer });
  expect(output).toMatch(/Worker reloading: .*app\.mjs modified/);
  fs.writeFileSync(path.join(dir, 'lib', 'version.mjs'), "export const version = 'lib2';\n");
  // Settled: the old worker, which serves on until its successor is ready, has left (five answers
  // in a row from one worker with the new code).
  const pid = await eventually(
    async () => {
      const five: string[] = [];
      for (let i = 0; i < 5; i++) five.push(await answer());
      return five.every((a) => a.startsWith('lib2 app2') && a === five[0]) ? five[0].split(' ')[2] : undefined;
    },
    { within: 10_000, what: 'the edited import in every answer, from one worker', seen: answer },
  );
  expect(pid).not.toBe(first);

  // Not code: the worker stays.
  fs.writeFileSync(path.join(dir, 'access.log'), 'a line\n');
  fs.writeFileSync(path.join(dir, 'node_modules', 'dep.js'), 'module.exports = 1;\n');
  await holds(async () => (await answer()).split(' ')[2] === pid, { within: 1500, what: `worker ${pid} serving on` });
});
