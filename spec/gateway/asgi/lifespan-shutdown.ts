import { check } from '../../harness/assert.ts';
import type { SpecCase } from '../../harness/case.ts';
import { eventually } from '../../harness/eventually.ts';
import { exitWords } from '../../harness/observe.ts';
import { perform } from '../../harness/operations.ts';
import { asgi, note } from '../../harness/refs.ts';
import { saidBy } from './support.ts';

export const asgiLifespanShutdown: SpecCase = {
  id: 'gateway.asgi.lifespan-shutdown',
  level: 'MUST',
  requirement: 'On a graceful stop, every worker\'s app receives lifespan.shutdown, and the master exits after it.',
  refs: [
      asgi('lifespan', 'Shutdown', 'with "Shutdown Complete": a server must wait for this message before terminating'),
      note('in a multi-process server there are lifespan events in each process'),
    ],
  profile: 'asgi',
  operations: ['gracefulStop'],
  server: { workers: 2, gracefulTimeout: 5 },
  async run(t) {
    const server = await t.start();
    const workers = await server.workers();
    // Ready means loaded; the stop comes once every worker's startup has completed too, so
    // that a shutdown is owed to each (a stop during startup is another matter).
    await eventually(() => workers.every((pid) => saidBy(server, 'lifespan startup').has(pid)), {
      within: 10_000,
      what: 'every worker to complete its lifespan startup',
      seen: () => `completed: ${[...saidBy(server, 'lifespan startup')].join(', ') || 'none'} of ${workers.join(', ')}`,
    });
    await perform(t, server, 'gracefulStop');
    await eventually(() => server.exitStatus(), { within: 10_000, what: 'the master to exit', seen: () => exitWords(server) });
    const stopped = saidBy(server, 'lifespan shutdown');
    const missed = workers.filter((pid) => !stopped.has(pid));
    t.evidence('shutdown', { workers, said: [...stopped] });
    check(missed.length === 0, `worker(s) ${missed.join(', ')} of ${workers.join(', ')} exited without their app receiving lifespan.shutdown`);
  },
};
