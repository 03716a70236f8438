// CPU time (user + system, ms) of a server: its master and its live workers, from /proc (a
// process's dead threads included; 10 ms resolution).
import { liveChildren, procInfo } from '../conformance/drivers/proc.ts';

const CLOCK_TICKS = 100; // USER_HZ on Linux

export async function serverCpuMs(masterPid: number): Promise<number> {
  const pids = [masterPid, ...(await liveChildren(masterPid))];
  const ticks = await Promise.all(pids.map(async (pid) => (await procInfo(pid))?.cpuTicks ?? 0));
  return (ticks.reduce((a, b) => a + b, 0) * 1000) / CLOCK_TICKS;
}
