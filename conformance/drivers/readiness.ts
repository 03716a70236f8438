// When a freshly started server counts as ready, the same for every driver: the port accepts,
// `workers` worker processes exist, and each of them (or the master, for a preloading server)
// has printed the probe's loaded line (fixtures/probe/PROTOCOL.md), and then no thread of any
// worker runs. A worker process that merely exists may still be importing the app; a case that
// started measuring then would time the boot. A preloading master prints the line before it
// forks, and a worker a few milliseconds old is still starting: its own signal handlers are not
// set yet (uWSGI's workers lose a HUP then, and the master replaces them only after
// --worker-reload-mercy), so the kit waits until every worker is seen waiting for work.
import net from 'node:net';
import { eventually, TimedOut } from '../../spec/harness/eventually.ts';
import { exitWords, probeLinePids } from '../../spec/harness/observe.ts';
import type { Server } from '../../spec/harness/types.ts';
import { usesPlaceholder, type Target } from '../manifest.ts';

export function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * How long the kit waits for started workers to be seen waiting. A worker may keep a thread busy
 * for ever (its own timer, a busy app): that is no fault, and the run goes on after this bound.
 */
const SETTLE_MS = 2000;

/** No thread of the process runs or waits for a CPU ('R'): it has started and waits for work. */
const waiting = (states: readonly string[]) => !states.includes('R');

/** Until every worker is seen waiting, or SETTLE_MS passed. */
async function settled(server: Server): Promise<void> {
  try {
    await eventually(async () => (await Promise.all((await server.workers()).map((pid) => server.threadStates(pid)))).every(waiting), {
      within: SETTLE_MS,
      every: 10,
      what: 'every worker to wait for work',
    });
  } catch (error) {
    if (!(error instanceof TimedOut)) throw error;
  }
}

/** Why a started server shows fewer workers than it was asked for, as far as the kit can tell. */
function fewerWorkersWhy(server: Server, target: Target, workers: readonly number[], loaded: ReadonlySet<number>): string {
  // Processes that loaded the app but are neither the master nor its children: the kit started a
  // wrapper (a shell that runs the server without exec), whose child it takes for the master's
  // only worker.
  const strangers = [...loaded].filter((pid) => pid !== server.masterPid && !workers.includes(pid));
  if (strangers.length > 0) {
    return `the app was loaded by ${strangers.join(', ')}, which are not children of the master (${server.masterPid}): a wrapper (a shell, a script) must exec the server, or processes.master names the server's master`;
  }
  if (workers.length === 0 && loaded.has(server.masterPid)) {
    return 'the process the kit started loaded the app itself and runs no worker: a server that serves alone at this count, as uvicorn and hypercorn do at one worker, declares the least count it forks at: "settings": {"workers": {"min": 2}}';
  }
  if (workers.length === 0) return 'a server whose workers are not children of the process the kit started names its master in processes.master';
  return usesPlaceholder(target.manifest, 'workers')
    ? 'does the server honour the {workers} the command passes?'
    : 'the manifest never passes {workers}: the server runs a count of its own';
}

/** Waits for readiness; resolves with why it gave up, or undefined when ready. */
export async function waitReady(server: Server, target: Target): Promise<string | undefined> {
  const readiness = target.manifest.readiness ?? {};
  const logLine = readiness.logLine ? new RegExp(readiness.logLine) : undefined;
  const want = server.config.workers;
  let state = 'the port does not accept yet';
  try {
    const outcome = await eventually(
      async () => {
        if (server.exitStatus()) return 'exited';
        if (logLine && !logLine.test(server.logs())) return (state = `no log line matches ${logLine}`), false;
        if (!(await canConnect(server.host, server.port))) return false;
        const workers = await server.workers();
        const loaded = probeLinePids(server.logs(), 'loaded');
        if (workers.length < want) return (state = `${workers.length} of ${want} worker(s) exist (${fewerWorkersWhy(server, target, workers, loaded)})`), false;
        if (loaded.has(server.masterPid)) return 'ready';
        const loading = workers.filter((pid) => !loaded.has(pid));
        if (loading.length > 0) return (state = `worker(s) ${loading.join(', ')} have not printed "conform-probe: loaded pid=N" yet (a child of the master that never loads the app is a helper: name it in the manifest's processes.helpers)`), false;
        return 'ready';
      },
      { within: readiness.timeoutMs ?? 15_000, every: 25, what: `the target to accept on ${server.host}:${server.port} with ${want} loaded worker(s)`, seen: () => state },
    );
    if (outcome !== 'ready') return `${exitWords(server)} before it was ready`;
    await settled(server);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
