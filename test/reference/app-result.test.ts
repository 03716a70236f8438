// What an app returns that is no answer (issue 26 #2): a string, undefined, an object without a
// status. Before, the client got an empty reply ("Invalid status code: undefined") or the server
// crashed inside itself (reading 'body' of undefined). Now: a 500 to the client and one log line
// that names what the app returned, in every class, and the worker serves on.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort } from '../../conformance/drivers/launch.ts';
import { eventually } from '../../spec/harness/eventually.ts';
import { classFlags, preforkLauncher } from './prefork-process.ts';

const APP = `export default (request) => {
  const kind = new URL(request.url).pathname.slice(1);
  if (kind === 'string') return 'hello';
  if (kind === 'undefined') return undefined;
  if (kind === 'nostatus') return { body: 'x' };
  if (kind === 'promise-null') return Promise.resolve(null);
  return new Response('ok');
};
`;
const prefork = preforkLauncher();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prefork-result-'));
const servers = new Map<string, { port: number; child: ChildProcess; log: () => string }>();

beforeAll(async () => {
  fs.writeFileSync(path.join(dir, 'app.mjs'), APP);
  for (const cls of ['sync', 'gthread', 'async'] as const) {
    const port = await freePort();
    const child = prefork(['-b', `127.0.0.1:${port}`, '-w', '1', ...classFlags(cls).filter((f) => f !== '2'), ...(cls === 'gthread' ? ['1'] : []), 'app.mjs'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    servers.set(cls, { port, child, log: () => output });
    await eventually(() => fetch(`http://127.0.0.1:${port}/ok`).then((r) => r.ok), { within: 15_000, what: `the ${cls} server` });
  }
}, 60_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe.each(['sync', 'gthread', 'async'] as const)('%s', (cls) => {
  test.each([
    ['string', 'a string'],
    ['undefined', 'undefined'],
    ['nostatus', 'an object without a numeric status'],
    ['promise-null', 'null'],
  ])('an app returning %s: 500, and the log names it', async (kind, words) => {
    const { port, log } = servers.get(cls)!;
    const response = await fetch(`http://127.0.0.1:${port}/${kind}`, { signal: AbortSignal.timeout(5000) });
    expect(response.status).toBe(500);
    await eventually(() => log().includes(`the app returned ${words}, not a Response`), { within: 3000, what: 'the log line', seen: () => log().slice(-600) });
    expect((await fetch(`http://127.0.0.1:${port}/ok`)).status).toBe(200);
  });
});

describe('an app that fails to load', () => {
  // Before: ten frames of Node's loader or esbuild per worker after the useful first line, and,
  // after "Shutting down: Master", "Worker (pid:N) was sent SIGKILL!" for the worker the master
  // itself ended on the way out.
  test.each([
    ['a missing import', 'missing.mjs', "import './nowhere.mjs';\nexport default () => new Response('x');\n", /Cannot find module '.*nowhere\.mjs'/],
    ['a TypeScript syntax error', 'broken.ts', 'const x: number = ;\nexport default () => new Response(String(x));\n', /broken\.ts:1:\d+: ERROR: Unexpected ";"/],
  ])('%s: the error and the app\'s own frames only, then the master halts', async (_, file, source, said) => {
    fs.writeFileSync(path.join(dir, file), source);
    const port = await freePort();
    const child = prefork(['-b', `127.0.0.1:${port}`, '-w', '2', file], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).not.toBe(0);
    expect(output).toMatch(said);
    expect(output).toMatch(/Shutting down: Master/);
    expect(output.split('\n').filter((line) => /^\s+at .*(node:|node_modules)/.test(line))).toEqual([]);
    expect(output).not.toMatch(/was sent SIGKILL/);
  }, 20_000);
});
