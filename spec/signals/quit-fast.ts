import { check } from '../harness/assert.ts';
import { eventually } from '../harness/eventually.ts';
import { exitWords } from '../harness/observe.ts';
import { performStep, stepsFor } from '../harness/operations.ts';
import { docs } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

const GONE_WITHIN_S = 2;
import { inFlight } from './support.ts';

export const quitFast: SpecCase = {
  id: 'signals.quit-fast',
  level: 'MUST',
  requirement: `On a quick stop (gunicorn: QUIT or INT; each signal the target lists), the master and its workers are gone within ${GONE_WITHIN_S} s even with a request in flight.`,
  refs: [docs('gunicorn', 'signals', '"QUIT, INT: Quick shutdown"'), docs('unicorn', 'SIGNALS', 'TERM, INT: quick shutdown')],
  classes: ['sync'],
  operations: ['quickStop'],
  server: { workers: 1, gracefulTimeout: 30 },
  async run(t) {
    for (const step of stepsFor(t, 'quickStop')) {
      const server = await t.start();
      const connection = await inFlight(server, 3, 10_000);
      const workers = await server.workers();
      const signal = await performStep(server, step);
      await eventually(() => server.exitStatus(), { within: GONE_WITHIN_S * 1000, what: `the master to exit after ${signal}`, seen: () => exitWords(server) });
      for (const pid of workers) check(!(await server.alive(pid)), `worker ${pid} outlived the master after ${signal}`);
      connection.destroy();
    }
  },
};
