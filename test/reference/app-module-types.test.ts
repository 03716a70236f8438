// A TypeScript app loads whatever its package says about module types: in a project without
// "type": "module" (npm's default) a .ts file is compiled as CommonJS, which register() + import()
// refused (ERR_REQUIRE_CYCLE_MODULE: every worker exited 4 and the master halted). Also a named
// export ("app.ts:handler") and a .mts file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { freePort } from '../../conformance/drivers/launch.ts';
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
