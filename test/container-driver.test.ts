// The container driver. The first block needs no engine; the second needs one and is skipped
// without it, except in CI (CI=true), where a missing engine fails instead of hiding the tests.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ContainerDriver, exitFromShell } from '../conformance/drivers/container.ts';
import type { ContainerShell } from '../conformance/drivers/container-shell.ts';
import { stopHeld } from '../conformance/drivers/proc.ts';
import { engine, engineAnswers, KIT_LABEL, RUN_LABEL, type RuntimeClient } from '../conformance/drivers/engine.ts';
import { containerPlan, runnerNode } from '../conformance/drivers/image.ts';
import { removeRunContainers } from '../conformance/drivers/sweep.ts';
import { KIT_DIR, loadTarget, runClasses, validateManifest, type Target } from '../conformance/manifest.ts';
import { defaultConfig } from '../spec/harness/case.ts';
import { getJson } from '../spec/harness/client.ts';
import { eventually } from '../spec/harness/eventually.ts';
import { runConform } from './conform-cli.ts';

const conform = (args: string[], env: NodeJS.ProcessEnv = {}) => runConform(args, { env }).then(({ code, stdout, stderr }) => ({ code, out: stdout, err: stderr }));

const NO_ENGINE = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' };

describe('container driver without an engine', () => {
  test('--driver container exits 2 and says how to get an engine', async () => {
    const { code, err } = await conform(['--driver', 'container', '--only', 'prefork.worker-count'], NO_ENGINE);
    expect(code).toBe(2);
    expect(err).toMatch(/needs a Docker engine, and none answers at unix:\/\/\/nonexistent\/docker.sock/);
    expect(err).toMatch(/--driver process/);
  });
  test('--driver auto falls back to the process driver and says so', async () => {
    const { code, out } = await conform(['--driver', 'auto', '--only', 'prefork.worker-count', '--class', 'sync'], NO_ENGINE);
    expect(out).toMatch(/driver process \(auto: container: no Docker engine answers\)/);
    expect(out).toMatch(/driver: process/);
    expect(code).toBe(0);
  }, 60_000);
  test("sh's wait status becomes an exit code or a signal", () => {
    expect(exitFromShell(3)).toEqual({ code: 3, signal: null });
    expect(exitFromShell(0)).toEqual({ code: 0, signal: null });
    expect(exitFromShell(137)).toEqual({ code: null, signal: 'SIGKILL' });
    expect(exitFromShell(143)).toEqual({ code: null, signal: 'SIGTERM' });
  });
  test('the manifest takes one image source at most', () => {
    const base = { name: 'x', version: '1', specVersion: '2', gateway: 'wsgi', command: ['x'], classes: { sync: 'sync' } };
    expect(() => validateManifest({ ...base, container: { dockerfile: 'Dockerfile', image: 'x:1' } })).toThrow(/container/);
    expect(() => validateManifest({ ...base, container: { mounts: ['relative/dir'] } })).toThrow(/mounts/);
    expect(validateManifest({ ...base, container: { offline: true, mounts: ['/opt/python'] } }).container?.mounts).toEqual(['/opt/python']);
  });
  test("an offline image runs the kit's own Node: mounted where the borrowed dirs lack it", () => {
    expect(runnerNode('/usr/bin/node', ['/usr'])).toBeUndefined();
    const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'conform-node-'));
    fs.mkdirSync(path.join(prefix, 'bin'));
    fs.writeFileSync(path.join(prefix, 'bin', 'node'), '');
    // A link from a borrowed dir is followed to the install it names (nvm, update-alternatives).
    fs.symlinkSync(path.join(prefix, 'bin', 'node'), path.join(prefix, 'link'));
    try {
      expect(runnerNode(path.join(prefix, 'bin', 'node'), ['/usr'])).toEqual({ mount: prefix, bin: path.join(prefix, 'bin') });
      expect(runnerNode(path.join(prefix, 'link'), ['/usr'])).toEqual({ mount: prefix, bin: path.join(prefix, 'bin') });
      expect(runnerNode(path.join(prefix, 'bin', 'node'), [os.tmpdir()])).toBeUndefined();
      expect(runnerNode(path.join(prefix, 'missing'), ['/usr'])).toBeUndefined();
    } finally {
      fs.rmSync(prefix, { recursive: true, force: true });
    }
  });
});

const hasEngine = await engineAnswers();
const required = process.env.CI === 'true';

describe.skipIf(!hasEngine && !required)('container driver with an engine', () => {
  let client: RuntimeClient;
  let target: Target;
  const runId = `test-${process.pid}`;
  const kitContainers = async (label = `${RUN_LABEL}=${runId}`) => client.container.dockerode.listContainers({ all: true, filters: { label: [label] } });

  beforeAll(async () => {
    client = await engine(); // in CI without an engine this fails the block, as it must
    target = loadTarget(path.join(KIT_DIR, 'fixtures', 'targets', 'reference'));
  }, 60_000);
  afterAll(async () => {
    for (const c of await kitContainers()) await client.container.dockerode.getContainer(c.Id).remove({ force: true });
  });

  const driverFor = async (t: Target) => new ContainerDriver(t, runClasses(t.manifest, ['sync'])[0], { plan: await containerPlan(client, t), runId });

  test('the master is not PID 1, pids are the container\'s, and stop() removes the container', async () => {
    const driver = await driverFor(target);
    const server = await driver.start({ ...defaultConfig('sync'), workers: 2 });
    try {
      expect(server.masterPid).toBeGreaterThan(1);
      const workers = await server.workers();
      expect(workers).toHaveLength(2);
      const answer = await getJson<{ pid: number; ppid: number }>(server, '/pid');
      expect(workers).toContain(answer.pid); // the probe's own pid, read inside the container
      expect(answer.ppid).toBe(server.masterPid);
      const [container] = await kitContainers();
      const exec = await client.container.exec(client.container.getById(container.Id), ['cat', '/proc/1/comm']);
      expect(exec.output.trim()).toBe('docker-init');
      // The manifest's `node` inside is the Node this test runs on (CI runs it on two).
      const node = await client.container.exec(client.container.getById(container.Id), ['node', '--version']);
      expect(node.output.trim()).toBe(process.version);
      expect(server.logs()).toMatch(/Booting worker with pid/);
      expect(server.logs()).not.toMatch(/@@conform/);
      // A SIGSTOP is held by every thread of the (multi-threaded Node) master once signal() resolves;
      // the shell's thread list, which signal() waits on, reads them all.
      const shell = (server as unknown as { shell: ContainerShell }).shell;
      const running = await shell.threadStates(server.masterPid);
      expect(running.length).toBeGreaterThan(1);
      expect(stopHeld(running)).toBe(false);
      await server.signal(server.masterPid, 'SIGSTOP');
      expect(await shell.threadStates(server.masterPid)).toHaveLength(running.length);
      const tasks = await client.container.exec(client.container.getById(container.Id), ['/bin/sh', '-c', `cat /proc/${server.masterPid}/task/*/stat`]);
      const states = tasks.output.trim().split('\n').map((line) => line.slice(line.lastIndexOf(')') + 2, line.lastIndexOf(')') + 3));
      await server.signal(server.masterPid, 'SIGCONT');
      expect(states.length, tasks.output).toBeGreaterThan(1);
      expect(states.every((state) => state === 'T'), tasks.output).toBe(true);
      await getJson(server, '/pid');
    } finally {
      await server.stop();
    }
    expect(await kitContainers()).toHaveLength(0);
  }, 60_000);

  test("the master's death does not end the namespace: orphans live on, the exit status is the master's", async () => {
    // A "server" whose children ignore their parent's death: only a namespace teardown would end them.
    const orphaning: Target = {
      dir: target.dir,
      manifest: { ...target.manifest, command: ['/bin/sh', '-c', 'sleep 600 & sleep 600 & wait'] },
    };
    const driver = await driverFor(orphaning);
    const server = await driver.start({ ...defaultConfig('sync'), workers: 2 }, { waitReady: false });
    try {
      const children = await eventually(async () => ((await server.workers()).length === 2 ? server.workers() : undefined), { within: 10_000, what: 'two children' });
      await server.signal(server.masterPid, 'SIGKILL');
      await eventually(() => server.exitStatus() !== null, { within: 5_000, what: 'the exit status' });
      expect(server.exitStatus()).toEqual({ code: null, signal: 'SIGKILL' });
      for (const pid of children) expect(await server.alive(pid)).toBe(true);
    } finally {
      await server.stop();
    }
    expect(await kitContainers()).toHaveLength(0);
  }, 60_000);

  test("{stateDir} is a directory of the start's own inside the container, made before the command runs", async () => {
    // The "server" writes into it and prints what it wrote: the write fails if the dir is missing.
    const stateful: Target = {
      dir: target.dir,
      manifest: { ...target.manifest, command: ['/bin/sh', '-c', 'echo here > "$0/f" && echo "state: $0 $(cat "$0/f")" && exec sleep 600', '{stateDir}'] },
    };
    const driver = await driverFor(stateful);
    const server = await driver.start({ ...defaultConfig('sync'), workers: 1 }, { waitReady: false });
    try {
      await eventually(() => /state: \/tmp\/conform-state-[0-9a-f-]+ here/.test(server.logs()), { within: 10_000, what: 'the state line', seen: () => server.logs() });
    } finally {
      await server.stop();
    }
  }, 60_000);

  test('a Dockerfile target (FROM scratch + its own mounts) runs through the CLI, and the report says driver: container', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conform-dockerfile-'));
    fs.mkdirSync(path.join(dir, 'rootfs', 'tmp'), { recursive: true });
    for (const link of ['bin', 'lib', 'lib64']) {
      if (fs.lstatSync(`/${link}`, { throwIfNoEntry: false })?.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(`/${link}`), path.join(dir, 'rootfs', link));
    }
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\nCOPY rootfs/ /\n');
    const manifest = JSON.parse(fs.readFileSync(path.join(target.dir, 'conform.json'), 'utf8'));
    delete manifest.$schema;
    manifest.container = { dockerfile: 'Dockerfile', mounts: ['/usr', '/etc', ...['/bin', '/lib', '/lib64'].filter((d) => fs.lstatSync(d, { throwIfNoEntry: false })?.isDirectory())] };
    fs.writeFileSync(path.join(dir, 'conform.json'), JSON.stringify(manifest));
    const report = path.join(dir, 'r.json');
    const { code, out } = await conform(['--target', dir, '--driver', 'container', '--only', 'prefork.worker-count', '--class', 'sync', '--report-json', report]);
    expect(out).toMatch(/driver container \(image conform-target-\w+:latest, dockerfile/);
    expect(code, out).toBe(0);
    expect(JSON.parse(fs.readFileSync(report, 'utf8')).target.driver).toBe('container');
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  test('a command that fails inside its container shows the cause in the terminal, not only "exited before it was ready"', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conform-broken-container-'));
    const manifest = JSON.parse(fs.readFileSync(path.join(target.dir, 'conform.json'), 'utf8'));
    delete manifest.$schema;
    manifest.command = ['node', '{targetDir}/no-such-server.js', '{extraBinds}'];
    manifest.readiness = { timeoutMs: 5000 };
    fs.writeFileSync(path.join(dir, 'conform.json'), JSON.stringify(manifest));
    const { code, out } = await conform(['--target', dir, '--driver', 'container', '--only', 'prefork.worker-count', '--class', 'sync']);
    expect(code, out).toBe(2);
    expect(out).toMatch(/^ {2}ERROR the target did not start in its plain configuration \(class sync\)/m);
    expect(out).toMatch(/^.*Cannot find module '.*no-such-server.js'/m);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 90_000);

  test('the sweep also removes a container the engine creates after its first look (a create in flight when a worker died)', async () => {
    const sweepRun = `${runId}-sweep`;
    const { image } = await containerPlan(client, target);
    const late = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 250));
      await client.container.dockerode.createContainer({ Image: image, Cmd: ['/bin/sh'], Labels: { [KIT_LABEL]: 'true', [RUN_LABEL]: sweepRun } });
    })();
    const removed = await removeRunContainers(client, sweepRun);
    await late;
    expect(removed).toHaveLength(1);
    expect(await kitContainers(`${RUN_LABEL}=${sweepRun}`)).toEqual([]);
  }, 30_000);

  test('Ctrl-C during a run leaves no container behind', async () => {
    const before = new Set((await kitContainers(KIT_LABEL)).map((c) => c.Id));
    const child = spawn(process.execPath, ['bin/conform.js', '--driver', 'container', '--only', 'signals.*,concurrency.*', '--class', 'sync'], {
      cwd: KIT_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await eventually(async () => (await kitContainers(KIT_LABEL)).some((c) => !before.has(c.Id)), { within: 30_000, what: 'a container of the run' });
    child.kill('SIGINT');
    expect(await exited, out).toBe(130);
    const left = (await kitContainers(KIT_LABEL)).filter((c) => !before.has(c.Id));
    expect(left.map((c) => c.Id), out).toEqual([]);
  }, 90_000);
});
