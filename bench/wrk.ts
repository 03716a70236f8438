// The bench's load: wrk (C, one thread), which leaves the 2 cores to the servers more than a
// Node load tool would, and reconnects properly to servers that close each connection (sync):
// autocannon reported a p99 of ~1.5 s and connection errors there, at rates that rule it out.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export interface WrkResult {
  requests: number;
  rps: number;
  p99Ms: number;
  /** Socket errors (connect, read, write, timeout) and non-2xx/3xx answers. */
  failures: number;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000 };

export function parseWrk(report: string): WrkResult {
  const requests = /(\d+) requests in /.exec(report);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(report);
  const p99 = /^\s+99%\s+([\d.]+)(us|ms|s)\b/m.exec(report);
  if (!requests || !rps || !p99) throw new Error(`wrk printed no result:\n${report}`);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(report);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(report);
  const failures = (socketErrors?.slice(1).reduce((sum, n) => sum + Number(n), 0) ?? 0) + Number(non2xx?.[1] ?? 0);
  return { requests: Number(requests[1]), rps: Number(rps[1]), p99Ms: Number(p99[1]) * UNIT_MS[p99[2]], failures };
}

export async function wrk(url: string, { connections, seconds }: { connections: number; seconds: number }): Promise<WrkResult> {
  try {
    const { stdout } = await promisify(execFile)('wrk', ['--latency', '-t1', `-c${connections}`, `-d${seconds}s`, url]);
    return parseWrk(stdout);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('the bench needs wrk: apt-get install wrk');
    throw error;
  }
}
