// The master's decisions, apart from their effects (Puma's split): arbiter.ts asks these and acts.

/** What the plan needs to know of a worker. */
export interface WorkerState {
  /** Its spawn order: the lower, the older. */
  age: number;
  /** It said READY: it serves. */
  ready: boolean;
  /** Already asked to leave: not counted among the N. */
  retiring: boolean;
}

/**
 * Keeping `target` workers: how many to spawn, and which extra ones (by age, oldest first) to ask
 * to leave, but a ready one only once the others ready are enough without it. A reload or a TTOU
 * thus never drops the serving capacity below N while new workers load the app (gunicorn stops
 * the old ones at once); a new worker that never gets ready is killed at `timeout` and the old
 * ones stay.
 */
export function workerPlan(workers: readonly WorkerState[], target: number): { spawn: number; retire: number[] } {
  const staying = workers.filter((w) => !w.retiring).sort((a, b) => a.age - b.age);
  const spawn = Math.max(0, target - staying.length);
  let ready = staying.filter((w) => w.ready).length;
  const retire: number[] = [];
  for (let extra = staying.length - target, i = 0; extra > 0; extra--, i++) {
    const oldest = staying[i];
    if (oldest.ready && ready - 1 < target) break; // until a new one is ready
    if (oldest.ready) ready--;
    retire.push(oldest.age);
  }
  return { spawn, retire };
}

/**
 * Sends a signal; false if it could not. A process already gone (ESRCH: reaped meanwhile) is
 * normal, as in gunicorn's kill_worker; any other failure (EPERM) is said, not swallowed.
 */
export function signalProcess(pid: number, signal: NodeJS.Signals, send: (pid: number, signal: NodeJS.Signals) => void, say: (line: string) => void): boolean {
  try {
    send(pid, signal);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ESRCH') say(`could not send ${signal} to ${pid}: ${code ?? (error as Error).message}`);
    return false;
  }
}
