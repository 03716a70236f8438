// `npm run bench`: the reference against gunicorn (sync/sync, gthread/gthread, async/gevent) and
// against raw Node cluster, 2 workers each, measured side by side in one run: the contenders of a
// group run at the same time and are loaded alternately (A B A B) with the same wrk settings, so
// machine noise hits both. Then lifecycle latencies through the kit's own driver.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../conformance/drivers/launch.ts';
import { ProcessDriver } from '../conformance/drivers/process.ts';
import { liveChildren } from '../conformance/drivers/proc.ts';
import { KIT_DIR, loadTarget, runClasses } from '../conformance/manifest.ts';
import { defaultConfig } from '../spec/harness/case.ts';
import { eventually } from '../spec/harness/eventually.ts';
import { allGoneAfter, goneAfter, settledWorkers } from '../spec/harness/observe.ts';
import type { SpecClass } from '../spec/harness/types.ts';
import { bootBench } from './boot.ts';
import { GTHREAD_THREADS, goalTable, judgeGoals, NAMES, type Measured, type Throughput } from './goals.ts';
import { serverCpuMs } from './server-cpu.ts';
import { threadHop } from './thread-hop.ts';
import { wrk } from './wrk.ts';

const WORKERS = 2;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONNECTIONS = 16;
const RESPAWN_SAMPLES = 5;

interface Contender {
  name: string;
  argv: (port: number) => string[];
}

/** Threads only for gthread: in both servers, sync with threads > 1 IS gthread. */
const threadFlags = (workerClass: string) => (workerClass === 'gthread' ? ['--threads', `${GTHREAD_THREADS}`] : []);
/** The reference with an app (the hello app by default; the boot table names the probe it runs). */
const reference = (cls: SpecClass, app = 'fixtures/apps/hello.mjs', label?: string): Contender => ({
  name: NAMES.reference(cls, label),
  argv: (port) => [process.execPath, 'reference/bin/prefork.js', '-b', `127.0.0.1:${port}`, '-w', `${WORKERS}`, '-k', cls, ...threadFlags(cls), '--log-level', 'warning', app],
});
/** gunicorn with a WSGI app `module:app` from a directory (the hello app by default). */
const gunicorn = (workerClass: string, dir = 'fixtures/apps', app = 'hello_wsgi:app'): Contender => ({
  name: NAMES.gunicorn(workerClass),
  argv: (port) => ['/usr/bin/python3', '-m', 'gunicorn', '--chdir', dir, '-b', `127.0.0.1:${port}`, '-w', `${WORKERS}`, '-k', workerClass, ...threadFlags(workerClass), '--log-level', 'warning', app],
});
const cluster: Contender = { name: NAMES.cluster, argv: (port) => [process.execPath, 'fixtures/apps/cluster-hello.cjs', '127.0.0.1', `${port}`, `${WORKERS}`] };
const bareClose: Contender = { name: NAMES.bareClose, argv: (port) => [process.execPath, 'fixtures/apps/bare-close.cjs', '127.0.0.1', `${port}`, '1'] };
const httpClose: Contender = { name: NAMES.httpClose, argv: (port) => [process.execPath, 'fixtures/apps/http-close.cjs', '127.0.0.1', `${port}`] };

const ALL_GROUPS: Array<[string, Contender, Contender]> = [
  ['sync', reference('sync'), gunicorn('sync')],
  ['gthread', reference('gthread'), gunicorn('gthread')],
  ['async', reference('async'), gunicorn('gevent')],
  // The Node floors, side by side with the class they bound: a server that closes each connection
  // (what sync must do) and Node's own keep-alive cluster (async; gthread adds a thread hop).
  ['raw', reference('async'), cluster],
  ['raw-gthread', reference('gthread'), cluster],
  ['floor', reference('sync'), bareClose],
  // Not a goal's: how far above that floor Node's own http server already is (what the sync goal
  // asks of the reference is then in view).
  ['floor-http', reference('sync'), httpClose],
];

// BENCH_GROUPS=sync,floor runs only those (and 'lifecycle' or 'boot' only if named); unset: everything.
const ONLY = process.env.BENCH_GROUPS?.split(',').map((g) => g.trim());
const GROUPS = ALL_GROUPS.filter(([group]) => !ONLY || ONLY.includes(group));
const LIFECYCLE = !ONLY || ONLY.includes('lifecycle');
const BOOT = !ONLY || ONLY.includes('boot');

// Boot: each class with the probe the kit runs (compiled, as the reference target loads it) and
// with its TypeScript source (tsx in every worker), gunicorn's class with its probe, and the
// node:cluster floor (a hello app: the least N+1 Node processes cost).
const BOOT_GROUPS = (
  [
    ['sync', 'sync'],
    ['gthread', 'gthread'],
    ['async', 'gevent'],
  ] as Array<[SpecClass, string]>
).map(([cls, theirs]) => ({
  group: cls,
  contenders: [
    reference(cls, 'dist/fixtures/probe/reference/probe.js', NAMES.compiledProbe),
    gunicorn(theirs, 'fixtures/probe/wsgi', 'probe_app:app'),
    reference(cls, 'fixtures/probe/reference/probe.ts', NAMES.typescriptProbe),
    { name: 'node cluster (hello)', argv: cluster.argv },
  ],
}));

interface Running {
  contender: Contender;
  child: ChildProcess;
  port: number;
}

async function startContender(contender: Contender): Promise<Running> {
  const port = await freePort();
  const [cmd, ...args] = contender.argv(port);
  const child = spawn(cmd, args, { cwd: KIT_DIR, stdio: 'ignore' });
  await eventually(() => fetch(`http://127.0.0.1:${port}/`).then((r) => r.ok), { within: 20_000, what: `${contender.name} to answer` });
  return { contender, child, port };
}

interface Sample {
  rps: number;
  p99: number;
  /** Server CPU per request: steadier than req/s on a shared 2-core machine. */
  cpuUs: number;
  failures: number;
}

async function load(running: Running): Promise<Sample> {
  const before = await serverCpuMs(running.child.pid!);
  const result = await wrk(`http://127.0.0.1:${running.port}/`, { connections: CONNECTIONS, seconds: SECONDS });
  const cpu = (await serverCpuMs(running.child.pid!)) - before;
  return { rps: result.rps, p99: result.p99Ms, cpuUs: (cpu * 1000) / Math.max(1, result.requests), failures: result.failures };
}

function rssPerWorkerMb(masterPid: number): Promise<number> {
  // A server without children (the one-process floor) is its own worker.
  return liveChildren(masterPid).then((children) => {
    const pids = children.length ? children : [masterPid];
    const rss = pids.map((pid) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0));
    return rss.reduce((a, b) => a + b, 0) / Math.max(1, rss.length) / 1024;
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** The median and the rounds' spread: "60204 (58100-63022)". */
const withSpread = (xs: number[], digits: number) => `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)})`;

/** An idle worker's RSS, once its first answer is out and its threads had time to load. */
const IDLE_SETTLE_MS = 1000;

async function throughput(measured: Measured): Promise<string[]> {
  const lines = [
    `| group | server | req/s: median (spread of ${ROUNDS}) | p99 ms | CPU us/request: median (spread) | idle RSS/worker MB | loaded RSS/worker MB | failed requests |`,
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const ratios: string[] = [];
  for (const [group, a, b] of GROUPS) {
    const running = [await startContender(a), await startContender(b)];
    const samples = new Map<string, Sample[]>();
    try {
      await new Promise((resolve) => setTimeout(resolve, IDLE_SETTLE_MS));
      const idle = new Map<string, number>();
      for (const r of running) idle.set(r.contender.name, await rssPerWorkerMb(r.child.pid!));
      for (const r of running) await load(r); // warm-up, discarded
      for (let round = 0; round < ROUNDS; round++) {
        for (const r of round % 2 ? [...running].reverse() : running) {
          samples.set(r.contender.name, [...(samples.get(r.contender.name) ?? []), await load(r)]);
        }
      }
      const pair: Throughput[] = [];
      for (const r of running) {
        const name = r.contender.name;
        const s = samples.get(name)!;
        const m = { rps: median(s.map((x) => x.rps)), cpuUs: median(s.map((x) => x.cpuUs)) };
        pair.push(m);
        const loaded = await rssPerWorkerMb(r.child.pid!);
        if (!measured.idleRssMb.has(name)) measured.idleRssMb.set(name, idle.get(name)!);
        if (!measured.loadedRssMb.has(name)) measured.loadedRssMb.set(name, loaded);
        lines.push(
          `| ${group} | ${name} | ${withSpread(s.map((x) => x.rps), 0)} | ${median(s.map((x) => x.p99)).toFixed(1)} | ${withSpread(s.map((x) => x.cpuUs), 1)} | ${idle.get(name)!.toFixed(1)} | ${loaded.toFixed(1)} | ${s.reduce((sum, x) => sum + x.failures, 0)} |`,
        );
      }
      measured.throughput.set(group, [pair[0], pair[1]]);
      ratios.push(`${a.name} / ${b.name} = ${(pair[0].rps / pair[1].rps).toFixed(2)}x req/s, ${(pair[1].cpuUs / pair[0].cpuUs).toFixed(2)}x CPU efficiency (their CPU per request / ours)`);
    } finally {
      for (const r of running) r.child.kill('SIGTERM');
      await Promise.all(running.map((r) => new Promise((resolve) => (r.child.exitCode !== null ? resolve(null) : r.child.once('exit', resolve)))));
    }
  }
  return [...lines, '', ...ratios.map((r) => `- ${r}`)];
}

/** Respawn after SIGKILL, worker exit after the master's SIGKILL, heartbeat kill minus timeout. */
async function lifecycle(): Promise<string[]> {
  const lines = ['| server | class | respawn ms (median of 5) | parent death ms | heartbeat kill - timeout ms |', '| --- | --- | ---: | ---: | ---: |'];
  for (const targetName of ['reference', 'gunicorn']) {
    const target = loadTarget(path.join(KIT_DIR, 'fixtures', 'targets', targetName));
    for (const runClass of runClasses(target.manifest)) {
      const driver = new ProcessDriver(target, runClass);
      const config = { ...defaultConfig(runClass.specClass), workers: 2, timeout: 2 };
      try {
        // Respawn: the median of a few kills (one sample on this VM is noise).
        let server = await driver.start(config);
        const respawns: number[] = [];
        for (let i = 0; i < RESPAWN_SAMPLES; i++) {
          const [killed] = await settledWorkers(server, 2);
          const start = Date.now();
          await server.signal(killed, 'SIGKILL');
          await eventually(
            async () => {
              const now = await server.workers();
              return now.length === 2 && !now.includes(killed);
            },
            { within: 5000, every: 1, what: 'a replacement' },
          );
          respawns.push(Date.now() - start);
        }
        const respawn = `${median(respawns)} (max ${Math.max(...respawns)})`;
        await server.stop();

        server = await driver.start(config);
        const workers = await settledWorkers(server, 2);
        const masterKilled = Date.now();
        await server.signal(server.masterPid, 'SIGKILL');
        const parentDeath = await allGoneAfter(server, workers, masterKilled, 20_000, 'workers to exit').catch(() => NaN);
        await server.stop();

        server = await driver.start(config);
        const [stopped] = await settledWorkers(server, 2);
        const stoppedAt = Date.now();
        await server.signal(stopped, 'SIGSTOP');
        const heartbeat = (await goneAfter(server, stopped, stoppedAt, 10_000)) - config.timeout * 1000;
        await server.stop();
        lines.push(`| ${target.manifest.name} | ${runClass.label} | ${respawn} | ${parentDeath} | ${heartbeat} |`);
      } finally {
        await driver.dispose();
      }
    }
  }
  return lines;
}

const started = Date.now();
console.log(`# bench: Node ${process.version}, ${WORKERS} workers each, wrk -t1 -c${CONNECTIONS} -d${SECONDS}s, ${ROUNDS} alternating rounds\n`);
const measured: Measured = { throughput: new Map(), idleRssMb: new Map(), loadedRssMb: new Map(), bootMs: new Map() };
if (GROUPS.length) {
  const hop = await threadHop();
  measured.threadHopCpuUs = hop.cpuUs;
  console.log((await throughput(measured)).join('\n'));
  const floor = measured.throughput.get('floor')?.[1];
  const http = measured.throughput.get('floor-http')?.[1];
  console.log(
    `\nFloors: the 'floor' group's CPU per request is the least any Node server closing each connection pays (fixtures/apps/bare-close.cjs); ` +
      (floor && http ? `Node's own http server closing each connection (fixtures/apps/http-close.cjs) pays ${(http.cpuUs / floor.cpuUs).toFixed(2)}x that. ` : '') +
      `A thread hop (postMessage round trip to a worker_thread, as gthread makes per request) costs ${hop.cpuUs.toFixed(1)} us CPU, ${hop.wallUs.toFixed(1)} us wall.`,
  );
}
if (BOOT) {
  const boot = await bootBench(BOOT_GROUPS);
  boot.quietBootMs.forEach((ms, name) => measured.bootMs.set(name, ms));
  console.log(boot.lines.join('\n'));
}
if (LIFECYCLE) {
  console.log('\nLifecycle latencies (timeout 2 s; an idle sync worker of gunicorn heartbeats every timeout/2):\n');
  console.log((await lifecycle()).join('\n'));
}
const goals = goalTable(judgeGoals(measured));
if (goals.length) console.log(['', `Cost goals on Node ${process.version} (bench/goals.ts), each from figures of this run:`, '', ...goals].join('\n'));
console.log(`\nbench wall time ${((Date.now() - started) / 1000).toFixed(0)} s`);
