// What a master loads before it can fork is on the path of every start, reload and scale-up: TLS
// (node:tls and node:crypto, ~8 ms on Node 24) is loaded only by a server configured with it.
import { execFileSync } from 'node:child_process';
import { expect, test } from 'vitest';
import { KIT } from './prefork-process.ts';

/** The built-in modules a fresh Node process holds after importing the master's entry module. */
function builtinsAfterImport(module: string): string[] {
  const script = `await import(${JSON.stringify(module)}); console.log(JSON.stringify(process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13))));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: KIT, encoding: 'utf8' })) as string[];
}

test('the master does not import node:tls', () => {
  const loaded = builtinsAfterImport(`${KIT}/dist/reference/cli.js`);
  expect(loaded).toContain('net'); // the listing works: what the master does need is there
  expect(loaded).not.toContain('tls');
});
