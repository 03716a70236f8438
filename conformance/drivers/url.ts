// The url driver (`--url HOST:PORT`): a server someone else started, running the probe app, judged
// as it runs. The kit cannot start it with a case's settings, see its processes or its output,
// signal it or stop it, so only the cases that read a shared server in its plain configuration
// run (most of http and gateway); a case that needs more meets an UnmetPremise and is
// `unsupported`, saying why, never failed. The manifest still says what the server claims
// (gateway, profiles, limits, classes); its command is not run.
import { getJson } from '../../spec/harness/client.ts';
import { eventually } from '../../spec/harness/eventually.ts';
import { defaultConfig } from '../../spec/harness/case.ts';
import { UnmetPremise } from '../../spec/harness/fault.ts';
import { HarnessError, type Driver, type ExitStatus, type Server, type ServerConfig } from '../../spec/harness/types.ts';
import { withinBounds, type RunClass, type Target } from '../manifest.ts';
import { canConnect } from './readiness.ts';
import type { DriverKind } from './registry.ts';

export interface Address {
  host: string;
  port: number;
}

/** "HOST:PORT" (an IPv6 host in brackets) to an address, or a HarnessError that says the form. */
export function parseAddress(text: string): Address {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:\s]+):(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65535) throw new HarnessError(`--url: expected HOST:PORT (127.0.0.1:8000, [::1]:8000), got "${text}"`);
  return { host: match[1].replace(/^\[|\]$/g, ''), port };
}

export const addressWords = (a: Address) => (a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`);

/** Why a case that needs more than reading the server cannot run under --url. */
const NOT_OURS = "--url judges a server the kit did not start: this case starts, signals or watches a server of its own (run it with --driver process or container)";

class RunningServer implements Server {
  readonly extraPorts: readonly number[] = [];
  readonly startedPid = -1;
  readonly masterPid = -1;
  readonly startedIsMaster = true;

  constructor(
    readonly host: string,
    readonly port: number,
    readonly config: ServerConfig,
  ) {}

  private notOurs(): never {
    throw new UnmetPremise(NOT_OURS);
  }

  workers(): Promise<number[]> {
    return this.notOurs();
  }
  alive(): Promise<boolean> {
    return this.notOurs();
  }
  threadStates(): Promise<string[]> {
    return this.notOurs();
  }
  signal(): Promise<void> {
    return this.notOurs();
  }
  command(): Promise<{ code: number | null; output: string }> {
    return this.notOurs();
  }
  /** Its output goes elsewhere: a case that reads what the app printed cannot judge it. */
  logs(): string {
    return this.notOurs();
  }
  exitStatus(): ExitStatus | null {
    return null;
  }
  /** Not the kit's to stop. */
  async stop(): Promise<void> {}
}

/** How long the running server may take to answer again before a case (a worker a case crashed is being replaced). */
const ANSWER_WITHIN_MS = 10_000;

class UrlDriver implements Driver {
  readonly name = 'url';
  /** What the running server is taken to run: the kit's plain configuration of the class, within the manifest's bounds. */
  private readonly plain: ServerConfig;
  /** Whether anything ever accepted a connection at the address: until then a refusal is final. */
  private reached = false;

  constructor(
    private readonly address: Address,
    target: Target,
    runClass: RunClass,
  ) {
    this.plain = withinBounds(target.manifest, defaultConfig(runClass.specClass));
  }

  async start(config: ServerConfig, options: { waitReady?: boolean } = {}): Promise<Server> {
    // A shared server asks for the plain configuration; anything else is a server of the case's own.
    if (options.waitReady === false) throw new UnmetPremise(NOT_OURS);
    const differs = (Object.keys(config) as Array<keyof ServerConfig>).filter((key) => JSON.stringify(config[key]) !== JSON.stringify(this.plain[key]));
    if (differs.length > 0) {
      const words = differs.map((key) => `${key} ${JSON.stringify(config[key])}`).join(', ');
      throw new UnmetPremise(`--url judges a server as it runs: this case needs one started with ${words} (run it with --driver process or container)`);
    }
    // Nothing listening at first contact is an answer (a wrong address, a server not started): the
    // wait below is for a server that was there and is replacing a worker a case crashed.
    if (!this.reached && !(await canConnect(this.address.host, this.address.port))) {
      throw new HarnessError(`nothing listens at ${addressWords(this.address)}: start the server with the probe app there first, or check --url`);
    }
    this.reached = true;
    const server = new RunningServer(this.address.host, this.address.port, config);
    await this.beforeLend(server);
    return server;
  }

  /** Every case gets the server as the case before left it (a crashed worker being replaced): it must answer first. */
  async beforeLend(server: Server): Promise<void> {
    try {
      await eventually(() => getJson(server, '/pid', { headers: [['Connection', 'close']] }, { timeoutMs: 2000 }).then(() => true), { within: ANSWER_WITHIN_MS, every: 100, what: 'an answer' });
    } catch (error) {
      throw new HarnessError(`nothing answers GET /pid at ${addressWords(this.address)} (${(error as Error).message}): is the server running the probe app there?`);
    }
  }

  async dispose(): Promise<void> {}
}

export const urlDriver: DriverKind = {
  name: 'url',
  help: 'judge a server already running the probe at --url HOST:PORT (the cases that only read it)',
  async available() {
    return 'only with --url';
  },
  async prepare(_target, request) {
    if (!request?.url) throw new HarnessError('--driver url needs --url HOST:PORT: the address of the running server');
    const address = parseAddress(request.url);
    return { because: `${addressWords(address)}, started by someone else: only the cases that read it run, one at a time`, context: address, sweep: async () => [] };
  },
  create(target, runClass, context) {
    return new UrlDriver(context as Address, target, runClass);
  },
};
