import { check, checkBetween } from '../harness/assert.ts';
import { getJson } from '../harness/client.ts';
import { deadlineIn, eventually, scaled } from '../harness/eventually.ts';
import { settledWorkers } from '../harness/observe.ts';
import { perform } from '../harness/operations.ts';
import { WireError } from '../harness/wire.ts';
import { docs } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

/** How long the app takes to load: a new worker is ready that long after it starts; no request may wait half of it. */
const LOAD_S = 2;

export const hupKeepsCapacity: SpecCase = {
  id: 'signals.hup-keeps-capacity',
  level: 'SHOULD',
  requirement:
    `A reload keeps every old worker serving until a new one is ready to take its place: with an app that takes ${LOAD_S} s to load, no request sent one after another during the reload waits ${LOAD_S / 2} s or more.`,
  refs: [
    docs('gunicorn', 'signals', 'HUP: "start the new worker processes with a new configuration and gracefully shutdown older workers"'),
    docs('puma', 'restart', 'phased restart'),
    docs('uwsgi', 'articles/TheArtOfGracefulReloading', 'chain reload'),
  ],
  operations: ['reload'],
  budgetMs: 40_000,
  server: { workers: 2, timeout: 30 },
  async run(t) {
    // Loading takes LOAD_MS: a new worker is ready that long after it starts. A server that
    // stops its old workers at once leaves the requests of those seconds waiting. Scaled like
    // every bound, so that the check keeps its meaning under --timeout-multiplier.
    const LOAD_MS = scaled(LOAD_S * 1000);
    const server = await t.start({ env: { CONFORM_PROBE_IMPORT_DELAY_MS: String(LOAD_MS) } });
    const before = await settledWorkers(server, server.config.workers);
    // Serving before the reload: both workers loaded the app (rounds of concurrent requests
    // until each has answered one).
    const answered = new Set<number>();
    await eventually(
      async () => {
        const round = await Promise.all([0, 1, 2, 3].map(() => getJson<{ pid: number }>(server, '/sleep?ms=100', {}, { timeoutMs: 10_000 })));
        for (const { pid } of round) answered.add(pid);
        return before.every((pid) => answered.has(pid));
      },
      { within: 20_000, what: 'every worker to answer before the reload', seen: () => `answers from ${[...answered].join(', ') || 'none'}; workers ${before.join(', ')}` },
    );
    await perform(t, server, 'reload');
    const waits: number[] = [];
    const deadline = deadlineIn(20_000);
    const unanswered: string[] = [];
    // The reload is over once the new workers serve: both old ones gone is not enough (the new
    // ones may still be loading, and the next request would wait for them).
    let servedByNew = false;
    for (;;) {
      const sent = Date.now();
      // A request lost in the reload is signals.hup-no-lost-requests' rule; this one's is waiting.
      const answer = await getJson<{ pid: number }>(server, '/pid', {}, { timeoutMs: 10_000 }).catch((error: unknown) => {
        if (!(error instanceof WireError)) throw error;
        unanswered.push(error.message);
      });
      waits.push(Date.now() - sent);
      if (answer && !before.includes(answer.pid)) servedByNew = true;
      const now = await server.workers();
      if (servedByNew && now.length === before.length && now.every((p) => !before.includes(p))) break;
      check(!deadline.passed(), `the reload did not finish within ${deadline.ms} ms`);
    }
    const longest = Math.max(...waits);
    t.evidence('requestsDuringReload', waits.length);
    t.evidence('longestWaitMs', longest);
    if (unanswered.length > 0) t.evidence('unanswered', unanswered);
    checkBetween(longest, 0, LOAD_MS / 2, `ms the longest request of the reload waited (the app takes ${LOAD_MS} ms to load)`);
  },
};
