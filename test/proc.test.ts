// The process table as the process driver reads it: a server's workers through the kernel's
// children lists (a few files) where it has them, the whole table where it does not; the same
// answer either way.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { untilStopHeld } from '../conformance/drivers/driver-base.ts';
import { allProcesses, groupMembers, liveChildren, stopHeld, threadStates } from '../conformance/drivers/proc.ts';
import { eventually } from '../spec/harness/eventually.ts';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** What liveChildren answers from a scan of the whole table: the rule the fast path must keep. */
async function scannedChildren(ppid: number): Promise<number[]> {
  return (await allProcesses())
    .filter((p) => p.ppid === ppid && p.state !== 'Z' && p.state !== 'X')
    .sort((a, b) => a.startTicks - b.startTicks || a.pid - b.pid)
    .map((p) => p.pid);
}

describe('liveChildren on this machine', () => {
  test('lists live children oldest first, without the zombies the parent has not reaped', async () => {
    // sh execs into sleep, which never reaps: the short child stays a zombie.
    const parent = spawn('sh', ['-c', 'sleep 0.05 & sleep 30 & sleep 30 & exec sleep 30'], { detached: true, stdio: 'ignore' });
    cleanups.push(() => process.kill(-parent.pid!, 'SIGKILL'));
    const states = async () => (await allProcesses()).filter((p) => p.ppid === parent.pid).map((p) => p.state);
    await eventually(async () => (await states()).filter((s) => s === 'Z').length === 1 && (await states()).length === 3, { within: 5_000, what: 'one zombie and two live children' });

    const children = await liveChildren(parent.pid!);
    expect(children).toHaveLength(2);
    expect(children).toEqual(await scannedChildren(parent.pid!));
  });

  test('a process without children, and one that is gone, have none', async () => {
    // Not this test process: the previous test's killed tree may still be leaving it (a CI
    // rehearsal saw its child in one reading and not the next).
    const childless = spawn('sleep', ['30'], { stdio: 'ignore' });
    cleanups.push(() => childless.kill('SIGKILL'));
    await new Promise((resolve) => childless.once('spawn', resolve));
    expect(await liveChildren(childless.pid!)).toEqual([]);
    expect(await scannedChildren(childless.pid!)).toEqual([]);
    const gone = spawn('true');
    await new Promise((resolve) => gone.once('exit', resolve));
    expect(await liveChildren(gone.pid!)).toEqual([]);
  });
});

describe('liveChildren on a prepared table', () => {
  // pid (comm) state ppid pgid ... field 22 = start time
  const stat = (pid: number, ppid: number, state: string, start: number) =>
    `${pid} (node) ${state} ${ppid} ${ppid} 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 ${start} 0 0`;

  function table(processes: Array<[pid: number, ppid: number, state: string, start: number]>, children?: Record<string, number[]>): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'proc-'));
    cleanups.push(() => fs.rmSync(root, { recursive: true, force: true }));
    for (const [pid, ppid, state, start] of processes) {
      fs.mkdirSync(path.join(root, String(pid), 'task', String(pid)), { recursive: true });
      fs.writeFileSync(path.join(root, String(pid), 'stat'), stat(pid, ppid, state, start));
    }
    for (const [task, pids] of Object.entries(children ?? {})) {
      const [pid, tid] = task.split('/');
      fs.mkdirSync(path.join(root, pid, 'task', tid), { recursive: true });
      fs.writeFileSync(path.join(root, pid, 'task', tid, 'children'), pids.map((p) => `${p} `).join(''));
    }
    return root;
  }

  const processes: Array<[number, number, string, number]> = [
    [10, 1, 'S', 100],
    [12, 10, 'S', 300],
    [11, 10, 'S', 200],
    [13, 10, 'Z', 250],
    [14, 12, 'S', 400],
  ];

  test('reads the children of every thread of the parent, live ones oldest first', async () => {
    // 11 and 13 forked by the main thread, 12 by another thread (a server may fork off its main thread).
    const root = table(processes, { '10/10': [11, 13], '10/17': [12] });
    expect(await liveChildren(10, root)).toEqual([11, 12]);
  });

  test('with the lists, reads only the children they name (not the whole table)', async () => {
    // 15 claims 10 as its parent in its stat, but no list of 10 names it: the table is not scanned.
    const root = table([...processes, [15, 10, 'S', 50]], { '10/10': [11, 13, 12] });
    expect(await liveChildren(10, root)).toEqual([11, 12]);
  });

  test('scans the whole table where the kernel keeps no children lists', async () => {
    const root = table(processes);
    expect(await liveChildren(10, root)).toEqual([11, 12]);
  });

  test('a child listed but gone by the time it is read is not live', async () => {
    const root = table(processes, { '10/10': [11, 99, 12] });
    expect(await liveChildren(10, root)).toEqual([11, 12]);
  });

  test('a child gone during the read may have hidden the next one: the table is scanned then', async () => {
    // The kernel fetches a list's entries one by one; once an entry printed is reaped, the next
    // fetch counts from the list's start and skips a child (proc(5): reliable only for stopped
    // children). Here 99 went that way and hid 12, which the scan finds.
    const root = table(processes, { '10/10': [11, 99] });
    expect(await liveChildren(10, root)).toEqual([11, 12]);
  });
});

describe('groupMembers', () => {
  test('finds the live members of a group, and none once the group is gone', async () => {
    const leader = spawn('sh', ['-c', 'sleep 30 & exec sleep 30'], { detached: true, stdio: 'ignore' });
    cleanups.push(() => {
      try {
        process.kill(-leader.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    });
    await eventually(async () => (await groupMembers(leader.pid!)).length === 2, { within: 5_000, what: 'two members' });
    process.kill(-leader.pid!, 'SIGKILL');
    await eventually(async () => (await groupMembers(leader.pid!)).length === 0, { within: 5_000, what: 'the group to be gone' });
  });
});

describe('a SIGSTOP taking hold', () => {
  test.each([
    [['T', 'T', 't'], true],
    [['T', 'S'], false],
    [['R'], false],
    [['T', 'Z'], true],
    [[], true], // gone
  ])('threads %j: held %s', (states, held) => {
    expect(stopHeld(states)).toBe(held);
  });

  test('every thread of a multi-threaded process is read, stopped once held, running again after SIGCONT', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    cleanups.push(() => child.kill('SIGKILL'));
    // Node runs its platform workers beside the main thread.
    await eventually(() => threadStates(child.pid!).length > 1, { within: 5_000, what: 'the threads' });
    expect(stopHeld(threadStates(child.pid!))).toBe(false);
    process.kill(child.pid!, 'SIGSTOP');
    await untilStopHeld(async () => threadStates(child.pid!));
    const stopped = threadStates(child.pid!);
    expect(stopped.length, JSON.stringify(stopped)).toBeGreaterThan(1);
    expect(stopped.every((s) => s === 'T'), JSON.stringify(stopped)).toBe(true);
    process.kill(child.pid!, 'SIGCONT');
    await eventually(() => !stopHeld(threadStates(child.pid!)), { within: 5_000, what: 'the threads to run again' });
    expect(threadStates(999_999_999)).toEqual([]);
  });
});
