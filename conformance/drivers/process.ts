// The process driver: the target's master runs as a local child process of the kit, in a process
// group of its own so that every worker, orphaned or not, can be swept at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { eventually } from '../../spec/harness/eventually.ts';
import { HarnessError, type ExitStatus, type Server, type ServerConfig } from '../../spec/harness/types.ts';
import { LaunchingDriver, type Launched } from './driver-base.ts';
import { helperTest, type HelperTest } from '../manifest.ts';
import { HOST, type Launch } from './launch.ts';
import { commandLine, groupMembers, isAlive, liveChildren } from './proc.ts';
import type { DriverKind } from './registry.ts';

const LOG_LIMIT = 1 << 20; // keep the last 1 MiB of output as evidence

class ProcessServer implements Server {
  readonly host = HOST;
  readonly masterPid: number;
  private output = '';
  private exit: ExitStatus | null = null;
  readonly exited: Promise<ExitStatus>;

  constructor(
    child: ChildProcess,
    readonly port: number,
    readonly extraPorts: readonly number[],
    readonly config: ServerConfig,
    private readonly isHelper: HelperTest | undefined,
  ) {
    if (child.pid === undefined) throw new HarnessError('the target command did not start');
    this.masterPid = child.pid;
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

  async workers(): Promise<number[]> {
    const children = await liveChildren(this.masterPid);
    const isHelper = this.isHelper;
    return isHelper ? children.filter((pid) => !isHelper(commandLine(pid))) : children;
  }

  alive(pid: number): Promise<boolean> {
    return isAlive(pid);
  }

  async signal(pid: number, signal: NodeJS.Signals): Promise<void> {
    try {
      process.kill(pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
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
    const group = this.masterPid; // detached: the master leads its own group
    // One kill(-pgid): a member forked after a scan of the group could not escape it.
    await this.signal(-group, 'SIGKILL');
    await eventually(async () => this.exit !== null && (await groupMembers(group)).length === 0, {
      within: 5000,
      what: 'every process of the server to be gone after SIGKILL',
    });
  }
}

export class ProcessDriver extends LaunchingDriver<ProcessServer> {
  readonly name = 'process';

  protected async launch({ argv, env, port, extraPorts }: Launch, config: ServerConfig): Promise<Launched<ProcessServer>> {
    const child = spawn(argv[0], argv.slice(1), {
      cwd: this.target.dir,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
    if (child.pid === undefined) {
      throw new HarnessError(`cannot run the target command ${JSON.stringify(argv[0])}: ${(await spawnError).message}`);
    }
    return { server: new ProcessServer(child, port, extraPorts, config, helperTest(this.target.manifest)), failed: spawnError.then((e) => e.message) };
  }
}

export const processDriver: DriverKind = {
  name: 'process',
  help: 'local child processes, each server in a process group of its own (needs only the target\'s command)',
  available: async () => true,
  prepare: async () => ({ because: '', sweep: async () => [] }),
  create: (target, runClass) => new ProcessDriver(target, runClass),
};
