// Boot: from spawn to the first answer, and the CPU a start costs (master and workers, measured
// once every worker had time to load), for the reference per class beside gunicorn's matching
// class and Node's own cluster (the least a Node pre-fork server with a master pays: N+1 Node
// processes). The contenders are started in turn, sample after sample, so machine noise hits
// all; then again with every CPU busy (one spinning process per core).
import { spawn } from 'node:child_process';
import os from 'node:os';
import { freePort } from '../conformance/drivers/launch.ts';
import { KIT_DIR } from '../conformance/manifest.ts';
import { serverCpuMs } from './server-cpu.ts';

const SAMPLES = Number(process.env.BOOT_SAMPLES ?? 7);
/** After the first answer: time for the other workers (and gthread threads) to load too. */
const SETTLE_MS = 1000;

export interface BootContender {
  name: string;
  argv: (port: number) => string[];
}

interface Sample {
  bootMs: number;
  cpuMs: number;
}

async function answered(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return true; // any status: the probe has no route at /, gunicorn's answers 404 too
  } catch {
    return false;
  }
}

async function sample(contender: BootContender): Promise<Sample> {
  const port = await freePort();
  const [cmd, ...args] = contender.argv(port);
  const started = performance.now();
  const child = spawn(cmd, args, { cwd: KIT_DIR, stdio: 'ignore', detached: true });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const deadline = started + 20_000;
    while (!(await answered(port))) {
      if (child.exitCode !== null || performance.now() > deadline) throw new Error(`${contender.name} did not answer within 20 s (exit ${child.exitCode})`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const bootMs = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    return { bootMs, cpuMs: await serverCpuMs(child.pid!) };
  } finally {
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
  }
}

/** Interquartile mean: steadier than a median on a handful of noisy samples. */
function iqm(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const cut = Math.floor(sorted.length / 4);
  const middle = sorted.slice(cut, sorted.length - cut);
  return middle.reduce((a, b) => a + b, 0) / middle.length;
}

async function measure(contenders: BootContender[]): Promise<Map<string, { bootMs: number; cpuMs: number }>> {
  const samples = new Map<string, Sample[]>(contenders.map((c) => [c.name, []]));
  for (let round = 0; round < SAMPLES; round++) {
    for (const contender of round % 2 ? [...contenders].reverse() : contenders) samples.get(contender.name)!.push(await sample(contender));
  }
  return new Map([...samples].map(([name, s]) => [name, { bootMs: iqm(s.map((x) => x.bootMs)), cpuMs: iqm(s.map((x) => x.cpuMs)) }]));
}

async function withBusyCpus<T>(work: () => Promise<T>): Promise<T> {
  const hogs = Array.from({ length: os.availableParallelism() }, () => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
  try {
    return await work();
  } finally {
    for (const hog of hogs) hog.kill('SIGKILL');
  }
}

/**
 * One table per machine state: each group lists gunicorn's class second, the base of its ratios.
 * The quiet boots are what the goals (goals.ts) read.
 */
export async function bootBench(groups: Array<{ group: string; contenders: BootContender[] }>): Promise<{ lines: string[]; quietBootMs: Map<string, number> }> {
  const lines: string[] = [];
  const quietBootMs = new Map<string, number>();
  for (const busy of [false, true]) {
    const state = busy ? `every CPU busy (${os.availableParallelism()} spinning processes)` : 'quiet';
    lines.push('', `Boot, ${state}: spawn to the first answer, and CPU of master + workers ${SETTLE_MS} ms later (interquartile mean of ${SAMPLES}):`, '');
    lines.push('| group | server | boot ms | CPU ms | boot vs gunicorn | CPU vs gunicorn |', '| --- | --- | ---: | ---: | ---: | ---: |');
    for (const { group, contenders } of groups) {
      const measured = await (busy ? withBusyCpus(() => measure(contenders)) : measure(contenders));
      const base = measured.get(contenders[1].name)!;
      for (const contender of contenders) {
        const m = measured.get(contender.name)!;
        const bootRatio = m.bootMs / base.bootMs;
        if (!busy && !quietBootMs.has(contender.name)) quietBootMs.set(contender.name, m.bootMs);
        lines.push(`| ${group} | ${contender.name} | ${m.bootMs.toFixed(0)} | ${m.cpuMs.toFixed(0)} | ${bootRatio.toFixed(2)}x | ${(m.cpuMs / base.cpuMs).toFixed(2)}x |`);
      }
    }
  }
  return { lines, quietBootMs };
}
