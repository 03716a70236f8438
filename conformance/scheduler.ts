// Runs a list of tasks within a budget of slots (--jobs): a case takes one slot unless it says it
// needs more (a load stream, a timing window another case's boot could disturb), up to all of
// them, which runs it alone. The tasks that run alone start first, one after another, on a machine
// no other case loads yet (placed later, each would idle every slot while the cases before it
// drained); the others then start in the order given and never overtake one another, so a task
// that needs several slots is not starved by a stream of small ones, and the plan's order (slow
// groups first) holds.

export interface Task<T> {
  /** Slots the task holds while it runs; more than the limit means all of them. */
  slots: number;
  run(): Promise<T>;
}

export type TaskResult<T> = { status: 'done'; value: T } | { status: 'threw'; error: unknown } | { status: 'not-run' };

/** Results in task order; `not-run` for the tasks that had not started when `signal` aborted. */
export async function schedule<T>(tasks: ReadonlyArray<Task<T>>, limit: number, signal?: AbortSignal): Promise<Array<TaskResult<T>>> {
  if (!(limit >= 1)) throw new RangeError(`a schedule needs at least one slot, got ${limit}`);
  const results: Array<TaskResult<T>> = tasks.map(() => ({ status: 'not-run' }));
  const alone = (task: Task<T>) => task.slots >= limit;
  // Indexes into `tasks` in the order they start (results stay in task order).
  const order = [...tasks.keys()].sort((a, b) => Number(alone(tasks[b])) - Number(alone(tasks[a])));
  let free = limit;
  let next = 0;
  let running = 0;
  return new Promise((resolve) => {
    const pump = () => {
      while (next < tasks.length && !signal?.aborted) {
        const index = order[next];
        const want = Math.min(Math.max(1, tasks[index].slots), limit);
        if (want > free) break;
        next++;
        free -= want;
        running++;
        void (async () => {
          try {
            results[index] = { status: 'done', value: await tasks[index].run() };
          } catch (error) {
            results[index] = { status: 'threw', error };
          }
          free += want;
          running--;
          pump();
        })();
      }
      if (running === 0 && (next >= tasks.length || signal?.aborted)) {
        // A run's signal outlives its schedules (--repeat runs one per round): leave it as found.
        signal?.removeEventListener('abort', pump);
        resolve(results);
      }
    };
    signal?.addEventListener('abort', pump, { once: true });
    pump();
  });
}
