import { check } from '../../harness/assert.ts';
import type { SpecCase } from '../../harness/case.ts';
import { request } from '../../harness/client.ts';
import { asgi } from '../../harness/refs.ts';
import { AsgiEcho } from './support.ts';

/** The app's lifespan startup: long enough for requests to arrive while it runs. */
const STARTUP_MS = 1500;

export const asgiLifespanStartupFirst: SpecCase = {
  id: 'gateway.asgi.lifespan-startup-first',
  level: 'MUST',
  requirement:
    `A worker serves no request before its app's lifespan startup has completed: with a startup that takes ${STARTUP_MS / 1000} s, requests sent while it runs wait and are answered 200 by an app whose startup is complete.`,
  refs: [asgi('lifespan', 'Startup Complete', 'a server must wait for this message before it starts processing connections')],
  profile: 'asgi',
  budgetMs: 30_000,
  server: { workers: 1, env: { CONFORM_PROBE_STARTUP_DELAY_MS: String(STARTUP_MS) } },
  async run(t) {
    const server = await t.start();
    const sentAt = Date.now();
    const answers = await Promise.all([0, 1, 2].map(() => request(server, { target: '/echo', headers: [['Connection', 'close']] }, { timeoutMs: 10_000 })));
    const statuses = answers.map((r) => r.status);
    t.evidence('answers', { sentAt, statuses });
    check(statuses.every((s) => s === 200), `requests sent while the startup ran were answered ${JSON.stringify(statuses)}`);
    for (const response of answers) {
      const { lifespan } = JSON.parse(response.body.toString()) as AsgiEcho;
      check(typeof lifespan.startup === 'number', 'a request was served by an app whose lifespan startup had not completed');
    }
  },
};
