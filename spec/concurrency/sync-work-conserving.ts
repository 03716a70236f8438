import { check } from '../harness/assert.ts';
import { getJson } from '../harness/client.ts';
import { docs, gunicornCode } from '../harness/refs.ts';
import type { SpecCase } from '../harness/case.ts';

export const syncWorkConserving: SpecCase = {
  id: 'concurrency.sync-work-conserving',
  level: 'MUST',
  requirement: 'While one sync worker is busy, an idle worker serves waiting connections: short requests finish before a long one.',
  refs: [
    docs('unicorn', 'DESIGN', 'worker processes only select()/accept() outside of the application dispatch'),
    gunicornCode('workers/sync.py', undefined, 'a worker accepts only when idle, so it never holds connections it cannot serve'),
  ],
  classes: ['sync'],
  server: { workers: 2 },
  async run(t) {
    const server = await t.start();
    const long = getJson<{ end: number }>(server, '/sleep?ms=2000', {}, { timeoutMs: 10_000 });
    const shorts = [];
    for (let i = 0; i < 4; i++) shorts.push(await getJson<{ end: number }>(server, '/sleep?ms=50', {}, { timeoutMs: 10_000 }));
    const longEnd = (await long).end;
    const late = shorts.filter((s) => s.end >= longEnd);
    t.evidence('shortEnds', shorts.map((s) => Math.round(longEnd - s.end)));
    check(late.length === 0, `${late.length} short request(s) waited for the long one`);
  },
};
