import { allGoneAfter, settledWorkers } from '../harness/observe.ts';
import { note } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

const PROMPT_S = 1;

export const parentDeathPrompt: SpecCase = {
  id: 'lifecycle.parent-death-prompt',
  level: 'SHOULD',
  requirement: `When the master is SIGKILLed, every worker exits within ${PROMPT_S} s, in every class.`,
  refs: [note('the kit: better than gunicorn (sync checks only when idle, every timeout/2; eventlet never)')],
  budgetMs: 20_000,
  server: { workers: 2, timeout: 30 },
  async run(t) {
    const server = await t.start();
    const workers = await settledWorkers(server, server.config.workers);
    const killedAt = Date.now();
    await server.signal(server.masterPid, 'SIGKILL');
    const took = await allGoneAfter(server, workers, killedAt, PROMPT_S * 1000, `every worker to exit within ${PROMPT_S} s of the master's death`);
    t.evidence('lastWorkerGoneMs', took);
  },
};
