// Node's compile cache (22.1+): the master turns it on and hands it to its workers, and a worker
// writes what it compiled once it serves, not at its exit, so the next worker to boot (a respawn,
// a reload) reads it: a TypeScript app is not stripped again. Node 20 has no such cache.
import fs from 'node:fs';
import module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { freePort } from '../../conformance/drivers/launch.ts';
import { eventually } from '../../spec/harness/eventually.ts';
import { tempDir } from '../temp-dirs.ts';
import { classFlags, preforkLauncher } from './prefork-process.ts';

const prefork = preforkLauncher();
const hasCache = 'enableCompileCache' in module;

function files(dir: string): number {
  return fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length : 0;
}

test.skipIf(!hasCache).each(['sync', 'gthread'])('%s: the workers get the cache, and write it while they serve', async (cls) => {
  const dir = tempDir('prefork-compile-cache-');
  fs.writeFileSync(path.join(dir, 'app.ts'), 'const pid: number = process.pid;\nexport default () => new Response(`${pid}`);\n');
  const cache = path.join(dir, 'cache');
  const port = await freePort();
  const { NODE_COMPILE_CACHE: _, ...env } = process.env;
  prefork(['-w', '1', ...classFlags(cls), '-b', `127.0.0.1:${port}`, path.join(dir, 'app.ts')], { env: { ...env, NODE_COMPILE_CACHE: cache } });
  const pid = await eventually(() => fetch(`http://127.0.0.1:${port}/`).then((r) => r.text(), () => undefined), { within: 15_000, what: 'an answer' });
  // A thread's process.pid is its worker's.
  expect(fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')).toContain(`NODE_COMPILE_CACHE=${cache}`);
  // Written while the worker serves (at its exit would be too late for its siblings and successors).
  await eventually(() => files(cache) > 0, { within: 5000, what: 'the compile cache written', seen: () => `${files(cache)} files` });
});

test.skipIf(!hasCache)('without NODE_COMPILE_CACHE the master turns the cache on and hands it down', async () => {
  const dir = tempDir('prefork-compile-cache-default-');
  fs.writeFileSync(path.join(dir, 'app.mjs'), 'export default () => new Response(`${process.pid}`);\n');
  const port = await freePort();
  const { NODE_COMPILE_CACHE: _, ...env } = process.env;
  prefork(['-w', '1', '-b', `127.0.0.1:${port}`, path.join(dir, 'app.mjs')], { env });
  const pid = await eventually(() => fetch(`http://127.0.0.1:${port}/`).then((r) => r.text(), () => undefined), { within: 15_000, what: 'an answer' });
  expect(fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')).toContain(`NODE_COMPILE_CACHE=${path.join(os.tmpdir(), 'node-compile-cache')}`);
});
