// What every driver does before it starts a server: pick the class's name, a port, and the
// command line from the manifest; and retry when the port was taken meanwhile.
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { HarnessError, type ServerConfig } from '../../spec/harness/types.ts';
import { expand, runClasses, usesPlaceholder, type RunClass, type Target } from '../manifest.ts';

export const HOST = '127.0.0.1';

/** A port the kernel just handed out; the short race to reuse is accepted and reported if lost. */
export function freePort(host = HOST): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface Launch {
  argv: string[];
  env: Record<string, string>;
  port: number;
  extraPorts: number[];
  /** Fills this start's placeholders in another template (an operation's command). */
  fill: (template: string) => string;
  /** In the server's environment as CONFORM_SERVER_ID: marks every process it makes, whatever its session. */
  serverId: string;
  /**
   * {stateDir}: a directory of this start's own (pm2's PM2_HOME, Passenger's pid and log files),
   * where the driver runs the server; undefined when the manifest does not name it. The driver
   * makes it before the command runs and removes it once the server is stopped.
   */
  stateDir?: string;
}

/** The environment variable that marks the processes of one server start. */
export const SERVER_ID_VARIABLE = 'CONFORM_SERVER_ID';

/**
 * The command for `config`; a case may ask for another spec class than the run's (by kind).
 * stateRoot: where this driver's servers may keep a directory of their own ({stateDir}).
 */
export async function launchFor(target: Target, runClass: RunClass, config: ServerConfig, stateRoot: string): Promise<Launch> {
  const cls = config.specClass === runClass.specClass ? runClass : runClasses(target.manifest).find((c) => c.specClass === config.specClass);
  if (!cls) throw new HarnessError(`the target has no ${config.specClass} class`);
  const port = await freePort(HOST);
  // Distinct ports: two probes in a row may be handed the same one.
  const extraPorts: number[] = [];
  while (extraPorts.length < config.extraBinds) {
    const extra = await freePort(HOST);
    if (extra !== port && !extraPorts.includes(extra)) extraPorts.push(extra);
  }
  const serverId = randomUUID();
  const stateDir = usesPlaceholder(target.manifest, 'stateDir') ? path.join(stateRoot, `conform-state-${serverId}`) : undefined;
  const expansion = expand(target, config, cls, HOST, port, extraPorts, stateDir);
  return { ...expansion, env: { ...expansion.env, [SERVER_ID_VARIABLE]: serverId }, port, extraPorts, serverId, stateDir };
}

/** freePort() can lose a race with another process: a start that fails on it is tried again. */
export async function retryingPortRace<T>(start: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      const portRace = error instanceof HarnessError && /address already in use|EADDRINUSE/i.test(error.message);
      if (attempt >= attempts || !portRace) throw error;
    }
  }
}
