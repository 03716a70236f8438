// What the concurrency cases share: the capacity a class promises and how a case measures the
// peak of requests served at once against it.
import { check } from '../harness/assert.ts';
import { type CaseContext } from '../harness/case.ts';
import { peakOverlap, sleepers } from '../harness/client.ts';
import type { ServerConfig, SpecClass } from '../harness/types.ts';

const SLEEP_MS = 700;

/** The capacity formula: how many requests a configuration runs at once. */
export function capacity(cls: SpecClass, c: Pick<ServerConfig, 'workers' | 'threads' | 'connections'>): number {
  switch (cls) {
    case 'sync':
      // threads > 1 turns sync into gthread (see concurrency.sync-threads-promote-gthread).
      return c.threads > 1 ? c.workers * Math.min(c.threads, c.connections) : c.workers;
    case 'gthread':
      // A gthread worker accepts while its open connections < worker_connections.
      return c.workers * Math.min(c.threads, c.connections);
    case 'async':
      return c.workers * c.connections;
  }
}

export interface Measured {
  /** Most requests running at once in the whole server. */
  peak: number;
  /** Most requests running at once in any one worker. */
  perWorker: number;
  expected: number;
  config: Pick<ServerConfig, 'specClass' | 'workers' | 'threads' | 'connections'>;
}

/** Starts the configuration, fires more sleepers than it can run, measures on the server side. */
export async function measurePeak(t: CaseContext, config: Partial<ServerConfig>, extra = 2): Promise<Measured> {
  const server = await t.start(config);
  const expected = capacity(server.config.specClass, server.config);
  const intervals = await sleepers(server, expected + extra, SLEEP_MS);
  const peak = peakOverlap(intervals);
  const pids = [...new Set(intervals.map((i) => i.pid))];
  const perWorker = Math.max(...pids.map((pid) => peakOverlap(intervals.filter((i) => i.pid === pid))));
  t.evidence(`peak ${JSON.stringify(config)}`, { peak, perWorker, expected, requests: intervals.length, workersUsed: pids.length });
  return { peak, perWorker, expected, config: server.config };
}

/** Threaded classes: a worker may take more connections than it has threads (gunicorn #908). */
export const threaded = (c: Measured['config']) => c.specClass === 'gthread' || (c.specClass === 'sync' && c.threads > 1);

/**
 * The capacity rule as gunicorn keeps it. sync and async: the peak is the formula. Threaded: each
 * worker runs min(threads, worker_connections) at once and the total never exceeds the formula;
 * an exact total needs balanced accepting (concurrency.gthread-balanced, a SHOULD).
 */
export function capacityViolation(m: Measured): string | undefined {
  // The peak per worker says which miss it is (one request at a time per worker, or a few too many).
  if (!threaded(m.config)) return m.peak === m.expected ? undefined : `peak ${m.peak} (at most ${m.perWorker} per worker), formula ${m.expected}`;
  const perWorker = Math.min(m.config.threads, m.config.connections);
  if (m.perWorker !== perWorker) return `one worker ran ${m.perWorker} at once, expected min(threads, worker_connections) = ${perWorker}`;
  if (m.peak > m.expected) return `peak ${m.peak} exceeds the formula ${m.expected}`;
  return undefined;
}

export async function capacityCase(t: CaseContext, config: Partial<ServerConfig>): Promise<void> {
  const violation = capacityViolation(await measurePeak(t, config));
  check(!violation, `${t.specClass} ${JSON.stringify(config)}: ${violation}`);
}

/** The timeout the stalled-body case asks for, and how long after it another client may wait. */
export const STALL_TIMEOUT_S = 3;

export const STALL_SLACK_S = 5;
