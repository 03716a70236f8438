// The container driver: every server start gets a container of its own, a fresh PID namespace in
// which the process tree, orphans and signals are the server's alone.
//
// Inside:  PID 1 docker-init (tini)  ->  holder sh  ->  the target's master  ->  workers
// The holder keeps PID 1 alive after the master dies (when PID 1's only child exits, tini exits
// and the kernel kills the whole namespace: parent-death detection would pass trivially). It
// prints the master's pid and, later, its exit status as marker lines on stdout.
// Host networking on loopback: the server binds 127.0.0.1:<port> as in the process driver.
import { Readable } from 'node:stream';
import os from 'node:os';
import { eventually } from '../../spec/harness/eventually.ts';
import { HarnessError, type ExitStatus, type Server, type ServerConfig } from '../../spec/harness/types.ts';
import { helperTest, type HelperTest, type RunClass, type Target } from '../manifest.ts';
import { ContainerShell } from './container-shell.ts';
import crypto from 'node:crypto';
import { engine, engineProblem, KIT_LABEL, RUN_LABEL, testcontainers } from './engine.ts';
import { containerPlan, type ContainerPlan } from './image.ts';
import type { DriverKind } from './registry.ts';
import { removeRunContainers } from './sweep.ts';
import { LaunchingDriver, untilStopHeld, type Launched } from './driver-base.ts';
import { liveChildrenAmong } from './proc.ts';
import { HOST, type Launch } from './launch.ts';
import type { StartedTestContainer } from 'testcontainers';

const LOG_LIMIT = 1 << 20;
const MARK = '@@conform-holder';

const HOLDER = [
  // The first argument is the start's {stateDir} (empty when the manifest names none).
  'state=$1; shift',
  '[ -z "$state" ] || mkdir -m 700 -p "$state"',
  '"$@" &',
  'master=$!',
  `echo "${MARK} master $master"`,
  'wait "$master"',
  `echo "${MARK} exit $?"`,
  'while :; do sleep 3600; done',
].join('\n');

const SIGNAL_NAMES = new Map(Object.entries(os.constants.signals).map(([name, n]) => [n, name]));

/** sh's `wait` status: 128+n for a death by signal n. */
export function exitFromShell(status: number): ExitStatus {
  const signal = status > 128 ? SIGNAL_NAMES.get(status - 128) : undefined;
  return signal ? { code: null, signal } : { code: status, signal: null };
}

class ContainerServer implements Server {
  readonly host = HOST;
  masterPid = 0;
  private output = '';
  private partial = '';
  private exit: ExitStatus | null = null;
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly container: StartedTestContainer,
    private readonly shell: ContainerShell,
    readonly port: number,
    readonly extraPorts: readonly number[],
    readonly config: ServerConfig,
    private readonly isHelper: HelperTest | undefined,
  ) {}

  get id(): string {
    return this.container.getId();
  }

  /** The container's output: marker lines are the driver's, everything else the server's. */
  follow(stream: Readable): void {
    stream.on('data', (chunk: string | Buffer) => {
      this.partial += chunk.toString();
      let newline: number;
      while ((newline = this.partial.indexOf('\n')) >= 0) {
        const line = this.partial.slice(0, newline + 1);
        this.partial = this.partial.slice(newline + 1);
        if (line.startsWith(MARK)) this.mark(line.slice(MARK.length).trim());
        else this.keep(line);
      }
    });
  }

  private mark(text: string): void {
    const [what, value] = text.split(' ');
    if (what === 'master') this.masterPid = Number(value);
    else if (what === 'exit') this.exit = exitFromShell(Number(value));
  }

  private keep(line: string): void {
    this.output += line;
    if (this.output.length > LOG_LIMIT) this.output = this.output.slice(-LOG_LIMIT);
  }

  async workers(): Promise<number[]> {
    const children = liveChildrenAmong(await this.shell.processes(), this.masterPid);
    const isHelper = this.isHelper;
    if (!isHelper) return children;
    const helpers = await Promise.all(children.map(async (pid) => isHelper(await this.shell.commandLine(pid))));
    return children.filter((_, i) => !helpers[i]);
  }

  async alive(pid: number): Promise<boolean> {
    return (await this.shell.processes()).some((p) => p.pid === pid && p.state !== 'Z' && p.state !== 'X');
  }

  threadStates(pid: number): Promise<string[]> {
    return this.shell.threadStates(pid);
  }

  async signal(pid: number, signal: NodeJS.Signals): Promise<void> {
    await this.shell.kill(pid, signal);
    if (signal === 'SIGSTOP' && pid > 0) await untilStopHeld(() => this.shell.threadStates(pid));
  }

  /** The master is the process the container's shell started. */
  get startedPid(): number {
    return this.masterPid;
  }

  readonly startedIsMaster = true;

  async command(argv: string[]): Promise<{ code: number | null; output: string }> {
    throw new HarnessError(`operations given as commands (${argv.join(' ')}) need the process driver: --driver process`);
  }

  exitStatus(): ExitStatus | null {
    return this.exit;
  }

  logs(): string {
    return this.output + this.partial;
  }

  /** Removing the container ends every process in it, stopped, orphaned or not. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      if (this.exit === null && this.masterPid > 0) {
        // A graceful TERM first, as the process driver does, so the server's own exit is logged.
        await this.shell.kill(-1, 'SIGCONT').catch(() => undefined); // whatever a case stopped
        await this.shell.kill(this.masterPid, 'SIGTERM').catch(() => undefined);
        await eventually(() => this.exit !== null, { within: 3000, what: 'the master to exit after SIGTERM' }).catch(() => undefined);
      }
      this.shell.close();
      await this.container.stop({ timeout: 0, remove: true }).catch(() => undefined);
    })();
    return this.stopped;
  }
}

/** What prepare() hands create() for every class: the image and mounts, the run's label. */
export interface ContainerRunContext {
  plan: ContainerPlan;
  runId: string;
}

export class ContainerDriver extends LaunchingDriver<ContainerServer> {
  readonly name = 'container';

  constructor(
    target: Target,
    runClass: RunClass,
    private readonly context: ContainerRunContext,
  ) {
    super(target, runClass);
  }

  /** The container's own /tmp (a tmpfs): removing the container removes a start's {stateDir}. */
  protected readonly stateRoot = '/tmp';

  protected async launch({ argv, env, port, extraPorts, stateDir }: Launch, config: ServerConfig): Promise<Launched<ContainerServer>> {
    // Everything in the container is the server's (removing it ends them all), but a master in
    // another session is looked for by the process driver only.
    if (this.target.manifest.processes?.master) throw new HarnessError('processes.master (a master the kit did not start) needs the process driver: --driver process');
    const { GenericContainer, Wait } = await testcontainers();
    const client = await engine();
    const { plan, runId } = this.context;

    let server: ContainerServer | undefined;
    const pendingLogs: Readable[] = []; // output that arrives before the server object exists
    const definition = new (class extends GenericContainer {
      // docker-init as PID 1: the master must never be PID 1 (see the header).
      protected override async beforeContainerCreated(): Promise<void> {
        this.hostConfig.Init = true;
      }
    })(plan.image)
      .withCommand(['/bin/sh', '-c', HOLDER, 'conform-holder', stateDir ?? '', ...argv])
      .withEnvironment({ PATH: [...plan.pathFirst, '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'].join(':'), HOME: '/tmp', ...env })
      .withWorkingDir(this.target.dir)
      .withNetworkMode('host')
      .withBindMounts(plan.mounts.map((p) => ({ source: p, target: p, mode: 'ro' as const })))
      .withTmpFs({ '/tmp': 'rw,exec,mode=1777' })
      .withLabels({ [KIT_LABEL]: 'true', [RUN_LABEL]: runId })
      .withWaitStrategy(Wait.forLogMessage(MARK))
      .withStartupTimeout(30_000)
      .withLogConsumer((stream) => (server ? server.follow(stream) : pendingLogs.push(stream)));

    let container: StartedTestContainer;
    try {
      container = await definition.start();
    } catch (error) {
      throw new HarnessError(`the container did not start (image ${plan.image}): ${(error as Error).message}`);
    }
    let shell: ContainerShell;
    try {
      shell = await ContainerShell.open(client.container.dockerode, container.getId());
    } catch (error) {
      await container.stop({ timeout: 0, remove: true }).catch(() => undefined);
      throw new HarnessError(`cannot open a shell in the container (does the image have /bin/sh?): ${(error as Error).message}`);
    }
    const started = new ContainerServer(container, shell, port, extraPorts, config, helperTest(this.target.manifest));
    server = started;
    for (const stream of pendingLogs) started.follow(stream);
    await eventually(async () => started.masterPid > 0 || started.exitStatus() !== null, {
      within: 10_000,
      what: 'the holder in the container to start the master',
    }).catch(() => undefined);
    if (started.masterPid === 0) {
      await started.stop();
      throw new HarnessError(`the target command did not start in the container: ${argv.join(' ')}\noutput:\n${started.logs().slice(-4000)}`);
    }
    return { server: started, where: ` in container ${started.id.slice(0, 12)}` };
  }
}

export const containerDriver: DriverKind = {
  name: 'container',
  help: 'one Docker container per server start (needs an engine; the image from the manifest\'s "container" section)',
  available: async () => (await engineProblem()) ?? true,
  async prepare(target) {
    const client = await engine(); // asked for without an engine: HarnessError, exit 2
    const plan = await containerPlan(client, target);
    const runId = crypto.randomUUID();
    const context: ContainerRunContext = { plan, runId };
    return { because: `image ${plan.image}, ${plan.source}`, context, sweep: () => removeRunContainers(client, runId) };
  },
  create: (target, runClass, context) => new ContainerDriver(target, runClass, context as ContainerRunContext),
};
