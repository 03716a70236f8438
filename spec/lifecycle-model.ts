// The model-based lifecycle run: random sequences of faults and signals against one server, with
// a model that only counts workers. After every step the real worker count must converge to the
// model's and a request must be served.
import fc from 'fast-check';
import { Violation } from './harness/assert.ts';
import type { CaseContext } from './harness/case.ts';
import { getJson } from './harness/client.ts';
import { eventually, waitUntil } from './harness/eventually.ts';
import { workerWords } from './harness/observe.ts';
import type { Server } from './harness/types.ts';

interface Model {
  workers: number;
}
type Command = fc.AsyncCommand<Model, Server, false>;

const MAX_WORKERS = 4;

async function converge(server: Server, model: Model, after: string): Promise<void> {
  try {
    await eventually(async () => (await server.workers()).length === model.workers, {
      within: 5000,
      what: `${model.workers} worker(s) after ${after}`,
      seen: async () => workerWords(await server.workers()),
    });
  } catch (error) {
    throw new Violation((error as Error).message);
  }
  // Requests keep being served: sent after the step, so a killed worker cannot have taken it.
  await getJson(server, '/pid', {}, { timeoutMs: 10_000 });
}

const pick = async (server: Server, index: number) => {
  const pids = await server.workers();
  return pids[index % pids.length];
};

class Request implements Command {
  check = () => true;
  async run(_m: Model, server: Server) {
    await getJson(server, '/pid', {}, { timeoutMs: 10_000 });
  }
  toString = () => 'request';
}

class KillWorker implements Command {
  constructor(readonly index: number) {}
  check = () => true;
  async run(m: Model, server: Server) {
    await server.signal(await pick(server, this.index), 'SIGKILL');
    await converge(server, m, this.toString());
  }
  toString = () => `SIGKILL worker #${this.index}`;
}

class StallWorker implements Command {
  constructor(readonly index: number) {}
  check = () => true;
  async run(m: Model, server: Server) {
    const pid = await pick(server, this.index);
    await server.signal(pid, 'SIGSTOP');
    await waitUntil(Date.now() + (server.config.timeout * 1000) / 4); // the stall window
    await server.signal(pid, 'SIGCONT');
    await converge(server, m, this.toString());
  }
  toString = () => `SIGSTOP/SIGCONT worker #${this.index} for timeout/4`;
}

class MasterSignal implements Command {
  constructor(readonly signal: 'SIGTTIN' | 'SIGTTOU' | 'SIGHUP') {}
  check = (m: Readonly<Model>) => this.signal !== 'SIGTTIN' || m.workers < MAX_WORKERS;
  async run(m: Model, server: Server) {
    if (this.signal === 'SIGTTIN') m.workers += 1;
    if (this.signal === 'SIGTTOU') m.workers = Math.max(1, m.workers - 1);
    // HUP reloads the configuration: the count goes back to the configured workers.
    if (this.signal === 'SIGHUP') m.workers = server.config.workers;
    await server.signal(server.masterPid, this.signal);
    await converge(server, m, this.signal);
  }
  toString = () => this.signal;
}

export const lifecycleCommands = fc.commands(
  [
    fc.constant(new Request()),
    fc.nat(3).map((i) => new KillWorker(i)),
    fc.nat(3).map((i) => new StallWorker(i)),
    fc.constantFrom('SIGTTIN', 'SIGTTOU', 'SIGHUP').map((s) => new MasterSignal(s as 'SIGTTIN' | 'SIGTTOU' | 'SIGHUP')),
  ],
  { maxCommands: 7 },
);

/** One model run: a fresh server per generated command sequence. */
export async function runModel(t: CaseContext, commands: Iterable<Command>): Promise<void> {
  const server = await t.start({ workers: 2, timeout: 4 });
  try {
    await fc.asyncModelRun(() => ({ model: { workers: 2 }, real: server }), commands);
  } finally {
    await server.stop();
  }
}
