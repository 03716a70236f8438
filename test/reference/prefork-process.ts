// Starting the built `prefork` command from the reference's tests, and never leaving it running.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import path from 'node:path';
import { afterAll } from 'vitest';

export const KIT = path.resolve(import.meta.dirname, '../..');
export const PREFORK = path.join(KIT, 'reference/bin/prefork.js');

/** The flags that pick a class. Only gthread gets threads: sync with threads > 1 would be gthread. */
export function classFlags(cls: string): string[] {
  return ['-k', cls, ...(cls === 'gthread' ? ['--threads', '2'] : [])];
}

/** Starts `prefork ARGS` (cwd: the kit); every server started is SIGKILLed after the file's tests. */
export function preforkLauncher(): (args: string[], options?: { cwd?: string; stdio?: StdioOptions }) => ChildProcess {
  const children: ChildProcess[] = [];
  afterAll(() => children.forEach((c) => c.kill('SIGKILL')));
  return (args, { cwd = KIT, stdio = 'ignore' } = {}) => {
    const child = spawn(process.execPath, [PREFORK, ...args], { cwd, stdio });
    children.push(child);
    return child;
  };
}
