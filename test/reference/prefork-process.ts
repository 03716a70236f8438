// Starting the built `prefork` command from the reference's tests, and never leaving it running.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll } from 'vitest';

export const KIT = path.resolve(import.meta.dirname, '../..');
export const PREFORK = path.join(KIT, 'reference/bin/prefork.js');

/** The flags that pick a class. Only gthread gets threads: sync with threads > 1 would be gthread. */
export function classFlags(cls: string): string[] {
  return ['-k', cls, ...(cls === 'gthread' ? ['--threads', '2'] : [])];
}

/** Starts `prefork ARGS` (cwd: the kit); every server started is SIGKILLed after the file's tests. */
export function preforkLauncher(): (args: string[], options?: { cwd?: string; stdio?: StdioOptions; env?: NodeJS.ProcessEnv }) => ChildProcess {
  const children: ChildProcess[] = [];
  afterAll(() => children.forEach((c) => c.kill('SIGKILL')));
  return (args, { cwd = KIT, stdio = 'ignore', env } = {}) => {
    const child = spawn(process.execPath, [PREFORK, ...args], { cwd, stdio, env });
    children.push(child);
    return child;
  };
}

/**
 * The server side of the IPv4 connections to `port`, from /proc/net/tcp: the client's port, the
 * state (01 is ESTABLISHED), the bytes received but not yet read by the server (rx_queue, the
 * second half of field 5; a connection still in the accept queue has its bytes unread) and the
 * socket's inode (what /proc/PID/fd links to while a process holds it).
 */
export function serverConnections(port: number): Array<{ clientPort: number; state: string; unread: number; inode: number }> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return fs
    .readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[1]?.endsWith(`:${hexPort}`))
    .map((f) => ({ clientPort: parseInt(f[2].split(':')[1], 16), state: f[3], unread: parseInt(f[4].split(':')[1], 16), inode: Number(f[9]) }));
}
