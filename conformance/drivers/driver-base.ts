// How every driver starts a server, whatever runs it: the command from the manifest, a retry when
// the port was taken meanwhile, the same readiness rule and the same error when it is not met,
// and no server left behind once the driver is disposed. A driver only says how to launch.
import os from 'node:os';
import { eventually, TimedOut } from '../../spec/harness/eventually.ts';
import { HarnessError, type Driver, type Server, type ServerConfig, type StartOptions } from '../../spec/harness/types.ts';
import type { RunClass, Target } from '../manifest.ts';
import { launchFor, retryingPortRace, type Launch } from './launch.ts';
import { waitReady } from './readiness.ts';
import { stopHeld } from './proc.ts';
import { ServerSet } from './server-set.ts';

/** At most `limit` holders at once; the others wait in arrival order. */
export class Gate {
  private readonly waiting: Array<() => void> = [];
  private held = 0;

  constructor(private readonly limit: number) {}

  /** Resolves with the release once a place is free. */
  async enter(): Promise<() => void> {
    if (this.held >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.held++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next(); // the place passes straight to the next in line
      else this.held--;
    };
  }
}

/**
 * Server starts in progress at once, across every driver of the run. A boot is CPU (an
 * interpreter, the app's imports, monkey-patching): N boots on N cores take N times as long
 * each, and with six at once on two cores gunicorn's eventlet workers outlived the 2 s timeout
 * some cases set, were killed by the heartbeat and never loaded. A start waits for a place
 * before its command runs, so its readiness timeout counts its own boot only.
 */
export const BOOTS = new Gate(Math.max(1, os.availableParallelism()));

/** How long a SIGSTOP is given to stop every thread; past it the case goes on and judges what it sees. */
const STOP_HOLD_MS = 2000;

/** After a SIGSTOP, until every thread of the process has stopped (`states`: one per thread). */
export async function untilStopHeld(states: () => Promise<readonly string[]>): Promise<void> {
  try {
    await eventually(async () => stopHeld(await states()), { within: STOP_HOLD_MS, every: 2, what: 'every thread to stop' });
  } catch (error) {
    if (!(error instanceof TimedOut)) throw error;
  }
}

export interface Launched<S extends Server> {
  server: S;
  /** Settles with why, if the launch fails after it returned (the command could not run). */
  failed?: Promise<string>;
  /** Where the server runs, for messages (" in container 1a2b3c"). */
  where?: string;
}

export abstract class LaunchingDriver<S extends Server> implements Driver {
  abstract readonly name: string;
  private readonly servers = new ServerSet<S>();

  constructor(
    protected readonly target: Target,
    private readonly runClass: RunClass,
  ) {}

  /** Starts the launch's command; the server object as soon as there is a master. */
  protected abstract launch(launch: Launch, config: ServerConfig): Promise<Launched<S>>;

  /** Where, as the server sees the file system, a start's {stateDir} is made. */
  protected abstract readonly stateRoot: string;

  start(config: ServerConfig, options: StartOptions = {}): Promise<Server> {
    return retryingPortRace(() => this.startOnce(config, options));
  }

  private async startOnce(config: ServerConfig, options: StartOptions): Promise<Server> {
    const leave = await BOOTS.enter();
    try {
      const launch = await launchFor(this.target, this.runClass, config, this.stateRoot);
      const { server, failed, where = '' } = await this.launch(launch, config);
      await this.servers.add(server);
      // A case that watches the boot itself (one that must fail) holds no place while it watches.
      if (options.waitReady === false) return server;
      const why = await (failed ? Promise.race([waitReady(server, this.target), failed]) : waitReady(server, this.target));
      if (why === undefined) return server;
      await server.stop().catch(() => undefined);
      throw new HarnessError(`target never became ready${where}: ${why}\ncommand: ${launch.argv.join(' ')}\noutput:\n${server.logs().slice(-4000)}`);
    } finally {
      leave();
    }
  }

  dispose(): Promise<void> {
    return this.servers.dispose();
  }
}
