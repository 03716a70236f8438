// A TypeScript app loads whatever its package says about module types: in a project without
// "type": "module" (npm's default) a .ts file is compiled as CommonJS, which register() + import()
// refused (ERR_REQUIRE_CYCLE_MODULE: every worker exited 4 and the master halted). Also a named
// export ("app.ts:handler") and a .mts file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { freePort } from '../../conformance/drivers/launch.ts';
import { commandLine, liveChildren } from '../../conformance/drivers/proc.ts';
import { eventually } from '../../spec/harness/eventually.ts';
import { classFlags, preforkLauncher } from './prefork-process.ts';

const APP = `import { createHash } from 'node:crypto';
import type { Nothing } from './types-only.ts';
export const handler = () => new Response('named ' + createHash('sha1').update('x').digest('hex').slice(0, 6));
export default (request: Request) => new Response('default ' + new URL(request.url).pathname);
`;

function project(type?: 'module' | 'commonjs'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prefork-app-'));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true, ...(type ? { type } : {}) }));
  fs.writeFileSync(path.join(dir, 'app.ts'), APP);
  fs.writeFileSync(path.join(dir, 'app.mts'), APP);
  return dir;
}

describe('TypeScript apps in any kind of package', () => {
  const prefork = preforkLauncher();
  test.each([
    ['no "type" (CommonJS by default)', 'sync', undefined, 'app.ts', 'default /x'],
    ['no "type", the app on gthread\'s threads', 'gthread', undefined, 'app.ts', 'default /x'],
    ['"type": "commonjs", a named export', 'async', 'commonjs', 'app.ts:handler', 'named 11f6ad'],
    ['"type": "module"', 'sync', 'module', 'app.ts', 'default /x'],
    ['an .mts file in a CommonJS package', 'sync', undefined, 'app.mts:handler', 'named 11f6ad'],
  ] as const)('%s (%s)', async (_, cls, type, app, body) => {
    const dir = project(type);
    const port = await freePort();
    const child = prefork(['-b', `127.0.0.1:${port}`, ...classFlags(cls), app], { cwd: dir });
    const text = await eventually(() => fetch(`http://127.0.0.1:${port}/x`).then((r) => r.text()), { within: 15_000, what: `${app} to answer` });
    expect(text).toBe(body);
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('stacks of a TypeScript app name its file and line, whatever the package type (issue 26 #1)', () => {
  // Before: in a CommonJS package (npm's default) tsx loaded the app from a data: URL, and every
  // frame was a ~2 KB URL-encoded copy of the compiled module.
  const prefork = preforkLauncher();
  const THROWING = `export function spin(): never { throw new Error('boom'); }\nexport default (request: Request) => { spin(); return new Response('x'); };\n`;
  test.each([
    ['no "type"', 'sync', undefined],
    ['no "type", on gthread\'s threads', 'gthread', undefined],
    ['"type": "commonjs"', 'async', 'commonjs'],
    ['"type": "module"', 'sync', 'module'],
  ] as const)('%s (%s)', async (_, cls, type) => {
    const dir = project(type);
    fs.writeFileSync(path.join(dir, 'throwing.ts'), THROWING);
    const port = await freePort();
    const child = prefork(['-b', `127.0.0.1:${port}`, ...classFlags(cls), 'throwing.ts'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const status = await eventually(() => fetch(`http://127.0.0.1:${port}/`).then((r) => r.status), { within: 15_000, what: 'an answer' });
    expect(status).toBe(500);
    await eventually(() => output.includes('Error: boom'), { within: 3000, what: 'the error in the log' });
    // A path, or the file URL of an ES module Node loaded itself (its own type stripping: 22.18+, 24).
    expect(output).toMatch(new RegExp(`at spin \\((file://)?${dir.replaceAll('/', '\\/')}\\/throwing\\.ts:1:\\d+\\)`));
    expect(output).not.toMatch(/data:text\/javascript/);
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

const stripsTypes = Boolean((process.features as { typescript?: string | false }).typescript);

describe.skipIf(!stripsTypes)('on a Node that strips types itself (22.18+, 24)', () => {
  // Before, tsx compiled every .ts app, and each worker kept an esbuild service process (with
  // four threads) for its lifetime (issue 26 #4, issue 27).
  const prefork = preforkLauncher();
  test('a .ts app loads without a compiler: no esbuild process beside its workers', async () => {
    const dir = project('module');
    const port = await freePort();
    const master = prefork(['-b', `127.0.0.1:${port}`, '-w', '2', 'app.ts'], { cwd: dir });
    const text = await eventually(() => fetch(`http://127.0.0.1:${port}/x`).then((r) => r.text()), { within: 15_000, what: 'app.ts to answer' });
    expect(text).toBe('default /x');
    const workers = await liveChildren(master.pid!);
    const beside = (await Promise.all(workers.map((pid) => liveChildren(pid)))).flat().map((pid) => commandLine(pid));
    expect(beside.filter((line) => /esbuild/.test(line))).toEqual([]);
    master.kill('SIGTERM');
    await new Promise((resolve) => master.once('exit', resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('a worker says which loader runs a TypeScript app (issue 27)', () => {
  const prefork = preforkLauncher();
  // Node 22.18+ and 24 strip types themselves; an older Node, or syntax stripping refuses (an
  // enum), goes through tsx.
  const strips = Boolean((process.features as { typescript?: string | false }).typescript);
  test.each([
    ['plain types', 'export default () => new Response("ok");\n', strips ? /with Node's type stripping/ : /with tsx \(this Node strips no types\)/],
    ['an enum', 'enum Answer { Ok = "ok" }\nexport default () => new Response(Answer.Ok);\n', /with tsx \(/],
  ])('%s: one line per worker, in every class', async (_, source, expected) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prefork-loader-'));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    fs.writeFileSync(path.join(dir, 'app.ts'), source);
    for (const cls of ['sync', 'gthread']) {
      const port = await freePort();
      const child = prefork(['-b', `127.0.0.1:${port}`, '-w', '1', ...classFlags(cls), 'app.ts'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
      let log = '';
      child.stderr!.on('data', (chunk: Buffer) => (log += chunk));
      await eventually(() => fetch(`http://127.0.0.1:${port}/`).then((r) => r.ok), { within: 15_000, what: `${cls} to answer` });
      // gthread's threads load after its first answer: all of them, then one line still.
      if (cls === 'gthread') await eventually(() => fetch(`http://127.0.0.1:${port}/`).then((r) => r.ok), { within: 5000, what: 'a second answer' });
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      const lines = log.split('\n').filter((line) => line.includes('Loading app.ts'));
      expect(lines, log).toHaveLength(1);
      expect(lines[0]).toMatch(expected);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
