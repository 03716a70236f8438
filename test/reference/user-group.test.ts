// -u/--user and -g/--group (gunicorn's): the master stays who started it, every worker switches to
// the user and group before the app loads, with the user's own supplementary groups, and what a
// worker must write is handed to it: its heartbeat file (else the master would kill it after
// `timeout`), the log files (reopened on USR1) and a unix socket. The parent-death signal, which
// the kernel clears when a process changes its credentials, is armed after the switch.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { freePort } from '../../conformance/drivers/launch.ts';
import { eventually, holds } from '../../spec/harness/eventually.ts';
import { liveChildren } from '../../conformance/drivers/proc.ts';
import { tempDir } from '../temp-dirs.ts';
import { KIT, PREFORK, preforkLauncher } from './prefork-process.ts';

const prefork = preforkLauncher();
const APP = path.join(KIT, 'dist/fixtures/probe/reference/probe.js');
const root = process.getuid?.() === 0;
/** uid, gid and supplementary groups of a process, from /proc. */
function credentials(pid: number): { uid: number; gid: number; groups: number[] } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => (new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1] ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
  return { uid: field('Uid')[0], gid: field('Gid')[0], groups: field('Groups') };
}
const exited = (child: { once(event: 'exit', listener: (code: number | null) => void): unknown }) => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

describe.skipIf(!root)('--user / --group (as root)', { timeout: 60_000 }, () => {
  test('workers run as nobody:nogroup, beat, log and reopen their logs; the master stays root and its death still takes them', async () => {
    const dir = tempDir('prefork-user-');
    fs.chmodSync(dir, 0o755);
    const port = await freePort();
    const errors = path.join(dir, 'error.log');
    const access = path.join(dir, 'access.log');
    const socket = path.join(dir, 'app.sock');
    const master = prefork(['-u', 'nobody', '-g', 'nogroup', '-w', '1', '-t', '2', '--error-logfile', errors, '--access-logfile', access, '-b', `127.0.0.1:${port}`, '-b', `unix:${socket}`, APP]);
    const pid = async () => ((await (await fetch(`http://127.0.0.1:${port}/pid`)).json()) as { pid: number }).pid;
    const worker = await eventually(() => pid().catch(() => undefined), { within: 15_000, what: 'an answer' });
    expect(credentials(worker)).toEqual({ uid: 65534, gid: 65534, groups: [65534] });
    expect(credentials(master.pid!).uid).toBe(0);
    // Its heartbeat is its own to touch: the same worker serves past the timeout (2 s).
    await holds(async () => (await pid()) === worker, { within: 4000, what: `worker ${worker} serving on` });
    expect(fs.statSync(socket).uid).toBe(65534);
    // USR1: the worker reopens the log files as nobody; a request after it is logged.
    fs.renameSync(access, `${access}.1`);
    master.kill('SIGUSR1');
    await eventually(async () => (await pid()) && fs.existsSync(access) && fs.readFileSync(access, 'utf8').includes('GET /pid'), { within: 5000, what: 'the access log reopened and written' });
    expect(fs.readFileSync(errors, 'utf8')).not.toMatch(/EACCES|permission denied/i);
    // The parent-death signal survived the switch: SIGKILL to the master ends the worker.
    master.kill('SIGKILL');
    await eventually(() => !fs.existsSync(`/proc/${worker}`) || /State:\s+Z/.test(fs.readFileSync(`/proc/${worker}/status`, 'utf8')), { within: 5000, what: `worker ${worker} gone with its master` });
  });

  test('numeric ids are taken as they are', async () => {
    const port = await freePort();
    const master = prefork(['-u', '65534', '-g', '65534', '-w', '1', '-b', `127.0.0.1:${port}`, APP]);
    const worker = await eventually(() => fetch(`http://127.0.0.1:${port}/pid`).then(async (r) => ((await r.json()) as { pid: number }).pid, () => undefined), { within: 15_000, what: 'an answer' });
    expect(credentials(worker)).toMatchObject({ uid: 65534, gid: 65534 });
    expect(await liveChildren(master.pid!)).toEqual([worker]);
  });
});

describe('--user / --group refused', () => {
  test('a user or group that does not exist is refused by name before anything binds (exit 2)', async () => {
    for (const [flag, name, words] of [['-u', 'no-such-user-x', /option --user: no such user: 'no-such-user-x'/], ['-g', 'no-such-group-x', /option --group: no such group: 'no-such-group-x'/]] as const) {
      let output = '';
      const master = prefork([flag, name, APP], { stdio: ['ignore', 'ignore', 'pipe'] });
      master.stderr!.on('data', (d) => (output += d));
      expect(await exited(master)).toBe(2);
      expect(output).toMatch(words);
    }
  });

  test('a switch the process may not make is a boot error: the master stops (exit 3), no respawn loop', async () => {
    // As root, the server is started as nobody, who may not become root.
    const master = spawn(process.execPath, [PREFORK, '-u', '0', '-w', '1', '-b', `127.0.0.1:${await freePort()}`, APP], {
      stdio: ['ignore', 'ignore', 'pipe'],
      ...(root ? { uid: 65534, gid: 65534 } : {}),
    });
    let output = '';
    master.stderr!.on('data', (d) => (output += d));
    expect(await exited(master)).toBe(3);
    expect(output).toMatch(/Cannot run a worker as uid 0, gid 65534: EPERM|cannot run as user 0: EPERM/);
  });
});
