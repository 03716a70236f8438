// The model-based lifecycle run: random sequences of faults and operations against one server, with
// a model that only counts workers. After every step the real worker count must converge to the
// model's and a request must be served.
import fc from 'fast-check';
import type { CaseContext } from '../harness/case.ts';
import { getJson } from '../harness/client.ts';
import { eventually, waitUntil } from '../harness/eventually.ts';
import { workerWords } from '../harness/observe.ts';
import type { Operation, OperationStep, Server } from '../harness/types.ts';
import { performStep, stepWords } from '../harness/operations.ts';

interface Model {
  workers: number;
}

type Command = fc.AsyncCommand<Model, Server, false>;

const MAX_WORKERS = 4;

/**
 * The step is done once the count is the model's and none of `gone` is among the workers: a killed
 * worker may be listed for a moment after the kill, and a reload that has not begun yet still
 * shows the old workers at the right count (uWSGI re-executes its master before it replaces them).
 */
async function converge(server: Server, model: Model, after: string, gone: readonly number[] = [], within = 5000): Promise<void> {
  await eventually(async () => {
    const now = await server.workers();
    return now.length === model.workers && !now.some((pid) => gone.includes(pid));
  }, {
    within,
    what: `${model.workers} worker(s) after ${after}${gone.length > 0 ? `, none of ${gone.join(', ')}` : ''}`,
    seen: async () => workerWords(await server.workers()),
  });
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
    const victim = await pick(server, this.index);
    await server.signal(victim, 'SIGKILL');
    await converge(server, m, this.toString(), [victim]);
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

type CountOperation = Extract<Operation, 'addWorker' | 'removeWorker' | 'reload'>;

const COUNT_OPERATIONS: readonly CountOperation[] = ['addWorker', 'removeWorker', 'reload'];

class MasterOperation implements Command {
  constructor(
    readonly operation: CountOperation,
    readonly step: OperationStep,
    readonly keepsCount: boolean,
  ) {}
  check = (m: Readonly<Model>) => this.operation !== 'addWorker' || m.workers < MAX_WORKERS;
  async run(m: Model, server: Server) {
    if (this.operation === 'addWorker') m.workers += 1;
    if (this.operation === 'removeWorker') m.workers = Math.max(1, m.workers - 1);
    // A reload reads the configuration again (gunicorn): the count goes back to the configured
    // workers; a server may declare that its reload keeps the count it has (Puma).
    if (this.operation === 'reload' && !this.keepsCount) m.workers = server.config.workers;
    const before = this.operation === 'reload' ? await server.workers() : [];
    await performStep(server, this.step);
    // A reload replaces every worker (signals.hup-reload), and may give the old ones graceful_timeout
    // to finish first (uWSGI's reload-mercy); adding or removing one changes the count.
    const within = this.operation === 'reload' ? (server.config.gracefulTimeout + 5) * 1000 : 5000;
    await converge(server, m, this.toString(), before, within);
  }
  toString = () => `${this.operation} (${stepWords(this.step)})`;
}

/**
 * The command generator for a target: the operations it has, among faults and requests. Short
 * stalls only where the target has a heartbeat (they test that it tolerates them); a server
 * without one still gets the kills and operations.
 */
export function lifecycleCommands({ operations, reloadKeepsCount }: Pick<CaseContext['target'], 'operations' | 'reloadKeepsCount'>, heartbeat: boolean) {
  const available = COUNT_OPERATIONS.filter((o) => operations[o]?.length);
  return fc.commands(
    [
      fc.constant(new Request()),
      fc.nat(3).map((i) => new KillWorker(i)),
      ...(heartbeat ? [fc.nat(3).map((i) => new StallWorker(i))] : []),
      ...(available.length > 0 ? [fc.constantFrom(...available).map((o) => new MasterOperation(o, operations[o]![0], reloadKeepsCount))] : []),
    ],
    { maxCommands: 7 },
  );
}

/** One model run: a fresh server (the case's `server`) per generated command sequence. */
export async function runModel(t: CaseContext, commands: Iterable<Command>): Promise<void> {
  const server = await t.start();
  try {
    await fc.asyncModelRun(() => ({ model: { workers: server.config.workers }, real: server }), commands);
  } finally {
    await server.stop();
  }
}
