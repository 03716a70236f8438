// Reading the Linux process table from /proc: the process tree is an observable of the spec.
import fs from 'node:fs';

export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  state: string; // R S D T Z ...
  startTicks: number; // start time since boot, in clock ticks: orders siblings by age
  cpuTicks: number; // user + system time, in clock ticks (USER_HZ)
}

/** Parses /proc/PID/stat; the command name may hold spaces and parentheses, so cut at the last ')'. */
export function parseStat(text: string): ProcInfo {
  const close = text.lastIndexOf(')');
  const pid = Number(text.slice(0, text.indexOf(' ')));
  const fields = text.slice(close + 2).split(' ');
  // fields[0] is field 3 (state) of proc(5).
  return { pid, state: fields[0], ppid: Number(fields[1]), pgid: Number(fields[2]), startTicks: Number(fields[19]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
}

// Synchronous reads on purpose: a scan is ~60-200 tiny files, ~1 ms read in a row, where one
// promise per file through libuv's pool took ~10 ms, and a poll's resolution is a scan's length.
function readStat(pid: number | string, root: string): ProcInfo | undefined {
  try {
    return parseStat(fs.readFileSync(`${root}/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

export async function procInfo(pid: number, root = '/proc'): Promise<ProcInfo | undefined> {
  return readStat(pid, root);
}

export async function allProcesses(root = '/proc'): Promise<ProcInfo[]> {
  const infos = fs.readdirSync(root).filter((n) => /^\d+$/.test(n)).map((n) => readStat(n, root));
  return infos.filter((i): i is ProcInfo => i !== undefined);
}

/** Live children of `ppid`, oldest first. */
export async function liveChildren(ppid: number, root = '/proc'): Promise<number[]> {
  for (let attempt = 0; attempt < LIST_READS; attempt++) {
    const listed = listedChildren(ppid, root);
    if (!listed) break;
    const read = listed.map((pid) => readStat(pid, root));
    // A listed child that is no longer ours was reaped while the list was read, and the kernel may
    // then have skipped the child after it: the list is read again.
    if (read.every((p) => p?.ppid === ppid)) return liveChildrenAmong(read as ProcInfo[], ppid);
  }
  return liveChildrenAmong(await allProcesses(root), ppid);
}

/** Reads of a parent's children lists before the whole table is scanned instead. */
const LIST_READS = 3;

/** Of a process table (or part of it), the live children of `ppid`, oldest first. */
export function liveChildrenAmong(processes: readonly ProcInfo[], ppid: number): number[] {
  return processes
    .filter((p) => p.ppid === ppid && p.state !== 'Z' && p.state !== 'X')
    .sort((a, b) => a.startTicks - b.startTicks || a.pid - b.pid)
    .map((p) => p.pid);
}

/**
 * The children the kernel lists for each thread of `ppid` (/proc/PID/task/TID/children): a few
 * small files where a scan reads one per process on the machine, and the process driver polls
 * this every few milliseconds for every server it runs (a scan was a third of the runner's CPU).
 * undefined where the kernel keeps no such lists (CONFIG_PROC_CHILDREN). One read of a list is
 * complete only if no child listed in it was reaped during the read (the kernel fetches entries
 * one at a time and, once the previous one is gone, counts from the start: proc(5) calls the file
 * reliable only for stopped children); a child listed may also be gone by its stat read.
 */
function listedChildren(ppid: number, root: string): number[] | undefined {
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`${root}/${ppid}/task`);
  } catch {
    return []; // the parent is gone: its children, if any, have another parent now
  }
  const pids: number[] = [];
  for (const tid of tasks) {
    let list: string;
    try {
      list = fs.readFileSync(`${root}/${ppid}/task/${tid}/children`, 'utf8');
    } catch {
      if (fs.existsSync(`${root}/${ppid}/task/${tid}`)) return undefined; // the thread is there, its list is not
      continue; // the thread ended meanwhile
    }
    for (const pid of list.split(' ')) if (pid.trim()) pids.push(Number(pid));
  }
  return pids;
}

/** A process's arguments joined by spaces ("" once it is gone, or for a kernel thread). */
export function commandLine(pid: number, root = '/proc'): string {
  try {
    return fs.readFileSync(`${root}/${pid}/cmdline`, 'latin1').replace(/\0+$/, '').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/**
 * Live processes whose environment carries `name=value`: every process a server made, daemons
 * in another session included (they inherit the environment; reading it needs the same user, or
 * root). Oldest first.
 */
export function processesMarked(name: string, value: string, root = '/proc'): ProcInfo[] {
  const mark = `${name}=${value}`;
  const found: ProcInfo[] = [];
  for (const entry of fs.readdirSync(root)) {
    if (!/^\d+$/.test(entry)) continue;
    let environ: string;
    try {
      environ = fs.readFileSync(`${root}/${entry}/environ`, 'latin1');
    } catch {
      continue; // gone, or not ours to read
    }
    if (!environ.split('\0').includes(mark)) continue;
    const info = readStat(entry, root);
    if (info && info.state !== 'Z' && info.state !== 'X') found.push(info);
  }
  return found.sort((a, b) => a.startTicks - b.startTicks || a.pid - b.pid);
}

/** The state of every thread of `pid` (/proc/PID/task/TID/stat); [] once it is gone. */
export function threadStates(pid: number, root = '/proc'): string[] {
  let tids: string[];
  try {
    tids = fs.readdirSync(`${root}/${pid}/task`);
  } catch {
    return [];
  }
  return tids.map((tid) => readStat(`${pid}/task/${tid}`, root)?.state).filter((s): s is string => s !== undefined);
}

/**
 * SIGSTOP stops a process thread by thread: the kernel wakes one thread, which then stops the
 * others, so on a busy machine another thread may accept and half-answer a request meanwhile
 * (seen: Passenger's core sent a response head, then stopped). Held once no thread runs.
 */
export function stopHeld(states: readonly string[]): boolean {
  return states.every((s) => s === 'T' || s === 't' || s === 'Z' || s === 'X');
}

export async function isAlive(pid: number, root = '/proc'): Promise<boolean> {
  const info = await procInfo(pid, root);
  return info !== undefined && info.state !== 'Z' && info.state !== 'X';
}

/** Live members of a process group: where orphaned workers of a killed master are found. */
export async function groupMembers(pgid: number, root = '/proc'): Promise<number[]> {
  // kill(-pgid, 0) fails with ESRCH once no process of the group is left: no scan needed then.
  if (root === '/proc' && !groupExists(pgid)) return [];
  return (await allProcesses(root)).filter((p) => p.pgid === pgid && p.state !== 'Z').map((p) => p.pid);
}

function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH'; // EPERM: it exists, owned by another user
  }
}
