// --reload (gunicorn's, for development): when a file of the app's module graph changes, the
// workers are replaced as on HUP (new ones first), so the next request runs the new code. Files
// the app never loaded (a log, a cache, a test written beside it) change nothing.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { freePort } from '../../conformance/drivers/launch.ts';
import { eventually, holds } from '../../spec/harness/eventually.ts';
import { tempDir } from '../temp-dirs.ts';
import { classFlags, preforkLauncher } from './prefork-process.ts';

const prefork = preforkLauncher();
const app = (version: string) => `import { version } from './lib/version.mjs';\nexport default () => new Response(\`\${version} ${version} \${process.pid}\`);\n`;

/**
 * The answering pid (an answer's last word) once five answers in a row come from one worker and
 * start with `prefix`: settled, the old worker (which serves on until its successor is ready) gone.
 */
function settledOn(answer: () => Promise<string>, prefix: string, what: string, within: number): Promise<string> {
  return eventually(
    async () => {
      const five: string[] = [];
      for (let i = 0; i < 5; i++) five.push(await answer());
      return five.every((a) => a.startsWith(`${prefix} `) && a === five[0]) ? five[0].split(' ').at(-1) : undefined;
    },
    { within, what, seen: answer },
  );
}

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
  const pid = await settledOn(answer, 'lib2 app2', 'the edited import in every answer, from one worker', 10_000);
  expect(pid).not.toBe(first);

  // Not code: the worker stays.
  fs.writeFileSync(path.join(dir, 'access.log'), 'a line\n');
  fs.writeFileSync(path.join(dir, 'node_modules', 'dep.js'), 'module.exports = 1;\n');
  await holds(async () => (await answer()).split(' ')[2] === pid, { within: 1500, what: `worker ${pid} serving on` });
});

/**
 * An app whose answer shows a module outside its directory, a CommonJS one and one it imports at
 * its first request; beside it, a module and a JSON file it never loads.
 */
function graphApp(ext: 'mjs' | 'ts', type: 'module' | 'commonjs'): { file: (name: string) => string; app: string; late: string } {
  const root = tempDir('prefork-reload-graph-');
  fs.mkdirSync(path.join(root, 'app'));
  fs.mkdirSync(path.join(root, 'shared'));
  // A .ts app: tsx on Node 20 (its ESM loader, or its CommonJS one: npm's default package type),
  // Node's own type stripping on 22.18+ and 24.
  fs.writeFileSync(path.join(root, 'package.json'), `{"type": "${type}"}\n`);
  const file = (name: string) => path.join(root, name);
  // tsx's CommonJS loader cannot import() a .ts file: that app imports an .mjs one at a request.
  const late = `app/late.${type === 'commonjs' ? 'mjs' : ext}`;
  fs.writeFileSync(file(`shared/name.${ext}`), "export const name = 's1';\n");
  fs.writeFileSync(file('app/data.cjs'), "module.exports = 'd1';\n");
  fs.writeFileSync(file(late), "export const late = 'l1';\n");
  fs.writeFileSync(file(`app/unused.${ext}`), "export const unused = 'u1';\n");
  fs.writeFileSync(file('app/cache.json'), '{}\n');
  fs.writeFileSync(
    file(`app/app.${ext}`),
    [
      `import { createRequire } from 'node:module';`,
      `import { name } from '../shared/name.${ext}';`,
      `const data = createRequire(import.meta.url)('./data.cjs');`,
      `export default async () => new Response(\`\${name}-\${data}-\${(await import('./${path.basename(late)}')).late} \${process.pid}\`);`,
      '',
    ].join('\n'),
  );
  return { file, app: file(`app/app.${ext}`), late };
}

test.each([
  { cls: 'sync', ext: 'mjs', type: 'module' },
  { cls: 'gthread', ext: 'mjs', type: 'module' },
  { cls: 'async', ext: 'ts', type: 'module' },
  { cls: 'sync', ext: 'ts', type: 'commonjs' },
] as const)('--reload watches the modules the app loaded ($cls, .$ext in a $type package): outside its directory, CommonJS, loaded at a request; not files it never loads', async ({ cls, ext, type }) => {
  const { file, app, late } = graphApp(ext, type);
  const port = await freePort();
  let output = '';
  const master = prefork(['--reload', '-w', '1', ...classFlags(cls), '-b', `127.0.0.1:${port}`, app], { stdio: ['ignore', 'ignore', 'pipe'] });
  master.stderr!.on('data', (d) => (output += d));
  const answer = () => fetch(`http://127.0.0.1:${port}/`).then((r) => r.text(), () => '');
  const settled = (prefix: string, what: string) => settledOn(answer, prefix, what, 15_000);
  const first = await settled('s1-d1-l1', 'the first version');

  // In the app's directory, never loaded: nothing reloads.
  fs.writeFileSync(file(`app/unused.${ext}`), "export const unused = 'u2';\n");
  fs.writeFileSync(file('app/cache.json'), '{"written": "by the app"}\n');
  await holds(async () => (await answer()) === `s1-d1-l1 ${first}`, { within: 1500, what: `worker ${first} serving on`, seen: answer });

  fs.writeFileSync(file(`shared/name.${ext}`), "export const name = 's2';\n");
  await settled('s2-d1-l1', 'the edited module outside the app\'s directory in every answer');
  expect(output).toMatch(/Worker reloading: .*shared\/name\.\w+ modified/);
  fs.writeFileSync(file('app/data.cjs'), "module.exports = 'd2';\n");
  await settled('s2-d2-l1', 'the edited CommonJS module in every answer');
  // Loaded at each new worker's first request and told to the master within a second (as
  // gunicorn's reloader looks every second): saved again, as its author would, while the edit
  // does not show. Not more often: changes closer together than the reloader's settling time are
  // one change, and it waits for them to stop.
  let saved = 0;
  const edited = await eventually(
    async () => {
      if (Date.now() - saved > 2000) {
        fs.writeFileSync(file(late), "export const late = 'l2';\n");
        saved = Date.now();
      }
      return (await answer()).startsWith('s2-d2-l2 ') || undefined;
    },
    { within: 15_000, what: 'the edited module the app imports at a request', seen: answer },
  );
  expect(edited).toBe(true);
});

test('--reload-extra-file: a named file that is not code (a template, outside the app\'s tree) reloads too', async () => {
  const dir = tempDir('prefork-reload-extra-');
  const elsewhere = tempDir('prefork-reload-template-');
  const template = path.join(elsewhere, 'page.html');
  fs.writeFileSync(template, 'v1');
  fs.writeFileSync(path.join(dir, 'app.mjs'), "import fs from 'node:fs';\nconst page = fs.readFileSync(process.env.PAGE, 'utf8');\nexport default () => new Response(`${page} ${process.pid}`);\n");
  const port = await freePort();
  let output = '';
  const master = prefork(['--reload', '--reload-extra-file', template, '-w', '1', '-b', `127.0.0.1:${port}`, path.join(dir, 'app.mjs')], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, PAGE: template },
  });
  master.stderr!.on('data', (d) => (output += d));
  const answer = () => fetch(`http://127.0.0.1:${port}/`).then((r) => r.text(), () => '');
  await eventually(async () => (await answer()).startsWith('v1 '), { within: 15_000, what: 'the first version' });
  // Another file beside it is not named: nothing reloads.
  const first = (await answer()).split(' ')[1];
  fs.writeFileSync(path.join(elsewhere, 'other.html'), 'x');
  await holds(async () => (await answer()) === `v1 ${first}`, { within: 1000, what: `worker ${first} serving on` });
  fs.writeFileSync(template, 'v2');
  await eventually(async () => (await answer()).startsWith('v2 '), { within: 10_000, what: 'the edited template in the answer', seen: answer });
  expect(output).toMatch(/Worker reloading: .*page\.html modified/);
});

test('--reload-extra-file of a file that does not exist is refused by name (exit 2)', async () => {
  const dir = tempDir('prefork-reload-missing-');
  fs.writeFileSync(path.join(dir, 'app.mjs'), 'export default () => new Response("x");\n');
  const master = prefork(['--reload', '--reload-extra-file', path.join(dir, 'nope.html'), path.join(dir, 'app.mjs')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  master.stderr!.on('data', (d) => (output += d));
  const code = await new Promise((resolve) => master.once('exit', resolve));
  expect(code).toBe(2);
  expect(output).toMatch(/option --reload-extra-file: .*nope\.html does not exist/);
});
