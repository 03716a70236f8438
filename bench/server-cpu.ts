// CPU time (user + system, ms) of a server: its master and its live workers, from /proc (a
// process's dead threads included; 10 ms resolution).
import fs from 'node:fs';
import { liveChildren } from '../conformance/drivers/proc.ts';

const CLOCK_TICKS = 100; // USER_HZ on Linux

function ticks(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of proc(5))
  } catch {
    return 0;
  }
}

export async function serverCpuMs(masterPid: number): Promise<number> {
  const pids = [masterPid, ...(await liveChildren(masterPid))];
  return (pids.reduce((sum, pid) => sum + ticks(pid), 0) * 1000) / CLOCK_TICKS;
}
