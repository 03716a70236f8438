// The process driver: the target's master runs as a local child process of the kit, in a process
// group of its own so that every worker, orphaned or not, can be swept at the end. Processes the
// server made in another session (a daemonized manager: Passenger's watchdog and core) are found
// by the CONFORM_SERVER_ID they inherited, for processes.master and for the final sweep.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { eventually } from '../../spec/harness/eventually.ts';
import { HarnessError, type ExitStatus, type Server, type ServerConfig } from '../../spec/harness/types.ts';
import { LaunchingDriver, untilStopHeld, type Launched } from './driver-base.ts';
import { helperTest, type HelperTest } from '../manifest.ts';
import { HOST, SERVER_ID_VARIABLE, type Launch } from './launch.ts';
import { commandLine, groupMembers, isAlive, liveChildren, processesMarked, threadStates } from './proc.ts';
import type { DriverKind } from './registry.ts';

const LOG_LIMIT = 1 << 20; // keep the last 1 MiB of output as evidence
/** How long an operation's command may run. */
const COMMAND_TIMEOUT_MS = 60_000;

interface Topology {
  isHelper: HelperTest | undefined;
  /** The master's command line, when it is not the started process. */
  master: RegExp | undefined;
}

class ProcessServer implements Server {
  readonly host = HOST;
  readonly startedPid: number;
  private foundMaster: number | undefined;
  private output = '';
  private exit: ExitStatus | null = null;
  readonly exited: Promise<ExitStatus>;

  constructor(
    child: ChildProcess,
    readonly port: number,
    readonly extraPorts: readonly number[],
    readonly config: ServerConfig,
    private readonly launch: Launch,
    private readonly cwd: string,
    private readonly topology: Topology,
  ) {
    if (child.pid === undefined) throw new HarnessError('the target command did not start');
    this.startedPid = child.pid;
    const keep = (chunk: Buffer) => {
      this.output += chunk.toString('utf8');
      if (this.output.length > LOG_LIMIT) this.output = this.output.slice(-LOG_LIMIT);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  /** The manifest's processes.master names the master when it is not the started process. */
  get startedIsMaster(): boolean {
    return this.topology.master === undefined;
  }

  /**
   * The started process, or the process the manifest's processes.master names among those the
   * server made (the oldest live one; looked for again once it is gone, as a watchdog may start
   * another). Until there is one, the started process.
   */
  get masterPid(): number {
    const pattern = this.topology.master;
    if (!pattern) return this.startedPid;
    // A gone process reads "" (which no master pattern worth the name matches).
    if (this.foundMaster !== undefined && pattern.test(commandLine(this.foundMaster))) return this.foundMaster;
    this.foundMaster = processesMarked(SERVER_ID_VARIABLE, this.launch.serverId).find((p) => pattern.test(commandLine(p.pid)))?.pid;
    return this.foundMaster ?? this.startedPid;
  }

  async workers(): Promise<number[]> {
    const master = this.masterPid;
    if (this.topology.master && master === this.startedPid) return []; // the named master is not there (yet)
    const children = await liveChildren(master);
    const isHelper = this.topology.isHelper;
    return isHelper ? children.filter((pid) => !isHelper(commandLine(pid))) : children;
  }

  alive(pid: number): Promise<boolean> {
    return isAlive(pid);
  }

  async threadStates(pid: number): Promise<string[]> {
    return threadStates(pid);
  }

  async signal(pid: number, signal: NodeJS.Signals): Promise<void> {
    try {
      process.kill(pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
    if (signal === 'SIGSTOP' && pid > 0) await untilStopHeld(async () => threadStates(pid));
  }

  command(argv: string[]): Promise<{ code: number | null; output: string }> {
    const [file, ...args] = argv.map(this.launch.fill);
    return new Promise((resolve) => {
      let output = '';
      const child = spawn(file, args, { cwd: this.cwd, env: { ...process.env, ...this.launch.env }, stdio: ['ignore', 'pipe', 'pipe'] });
      const keep = (chunk: Buffer) => void (output += chunk.toString('utf8'));
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      const timer = setTimeout(() => child.kill('SIGKILL'), COMMAND_TIMEOUT_MS);
      child.once('error', (error) => {
        clearTimeout(timer);
        resolve({ code: null, output: `${output}${error.message}` });
      });
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code, output });
      });
    });
  }

  exitStatus(): ExitStatus | null {
    return this.exit;
  }

  logs(): string {
    return this.output;
  }

  /**
   * The case is done with the server: its whole process group is killed, not asked to stop (a
   * graceful stop is a case of its own; waiting up to graceful_timeout here only held a slot).
   */
  async stop(): Promise<void> {
    const group = this.startedPid; // detached: the started process leads its own group
    // One kill(-pgid): a member forked after a scan of the group could not escape it. Then what
    // the server made outside the group (a daemon in its own session), by its mark, until none
    // is left (a watchdog may start another meanwhile).
    await this.signal(-group, 'SIGKILL');
    await eventually(async () => this.exit !== null && (await groupMembers(group)).length === 0, {
      within: 5000,
      what: 'every process of the server\'s group to be gone after SIGKILL',
    });
    // One scan of every process's environment in the usual case (nothing outside the group).
    const marked = () => processesMarked(SERVER_ID_VARIABLE, this.launch.serverId).map((p) => p.pid);
    await eventually(
      async () => {
        const left = marked();
        for (const pid of left) await this.signal(pid, 'SIGKILL');
        return left.length === 0;
      },
      { within: 5000, what: 'every process the server made, in any session, to be gone after SIGKILL', seen: () => `left: ${marked().join(', ') || 'none'}` },
    );
    if (this.launch.stateDir) fs.rmSync(this.launch.stateDir, { recursive: true, force: true });
  }
}

export class ProcessDriver extends LaunchingDriver<ProcessServer> {
  readonly name = 'process';

  protected readonly stateRoot = os.tmpdir();

  protected async launch(launch: Launch, config: ServerConfig): Promise<Launched<ProcessServer>> {
    const { argv, env, port, extraPorts, stateDir } = launch;
    if (stateDir) fs.mkdirSync(stateDir, { mode: 0o700 });
    const child = spawn(argv[0], argv.slice(1), {
      cwd: this.target.dir,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
    if (child.pid === undefined) {
      if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
      throw new HarnessError(`cannot run the target command ${JSON.stringify(argv[0])}: ${(await spawnError).message}`);
    }
    const master = this.target.manifest.processes?.master;
    const topology = { isHelper: helperTest(this.target.manifest), master: master === undefined ? undefined : new RegExp(master) };
    return { server: new ProcessServer(child, port, extraPorts, config, launch, this.target.dir, topology), failed: spawnError.then((e) => e.message) };
  }
}

export const processDriver: DriverKind = {
  name: 'process',
  help: 'local child processes, each server in a process group of its own (needs only the target\'s command)',
  available: async () => true,
  prepare: async () => ({ because: '', sweep: async () => [] }),
  create: (target, runClass) => new ProcessDriver(target, runClass),
};
