// How many requests run at once: measured on the server side from the probe's own start/end
// timestamps (a TCP connect succeeds from the backlog before any worker accepts, so client-side
// timing cannot tell).
import fc from 'fast-check';
import { check, checkEqual, Violation } from './harness/assert.ts';
import { defineGroup, requireGiven, type CaseContext } from './harness/case.ts';
import { UnmetPremise } from './harness/fault.ts';
import { answerOf, exchange, getJson, hostHeader, peakOverlap, sleepers } from './harness/client.ts';
import { eventually } from './harness/eventually.ts';
import { bytesWords, settledWorkers } from './harness/observe.ts';
import { Connection, formatRequest, WireError } from './harness/wire.ts';
import { checkProperty } from './harness/property.ts';
import type { ServerConfig, SpecClass } from './harness/types.ts';
import { rfc, docs, gunicornCode, gunicornIssues } from './harness/refs.ts';

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

interface Measured {
  /** Most requests running at once in the whole server. */
  peak: number;
  /** Most requests running at once in any one worker. */
  perWorker: number;
  expected: number;
  config: Pick<ServerConfig, 'specClass' | 'workers' | 'threads' | 'connections'>;
}

/** Starts the configuration, fires more sleepers than it can run, measures on the server side. */
async function measurePeak(t: CaseContext, config: Partial<ServerConfig>, extra = 2): Promise<Measured> {
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
const threaded = (c: Measured['config']) => c.specClass === 'gthread' || (c.specClass === 'sync' && c.threads > 1);

/**
 * The capacity rule as gunicorn keeps it. sync and async: the peak is the formula. Threaded: each
 * worker runs min(threads, worker_connections) at once and the total never exceeds the formula;
 * an exact total needs balanced accepting (concurrency.gthread-balanced, a SHOULD).
 */
function capacityViolation(m: Measured): string | undefined {
  // The peak per worker says which miss it is (one request at a time per worker, or a few too many).
  if (!threaded(m.config)) return m.peak === m.expected ? undefined : `peak ${m.peak} (at most ${m.perWorker} per worker), formula ${m.expected}`;
  const perWorker = Math.min(m.config.threads, m.config.connections);
  if (m.perWorker !== perWorker) return `one worker ran ${m.perWorker} at once, expected min(threads, worker_connections) = ${perWorker}`;
  if (m.peak > m.expected) return `peak ${m.peak} exceeds the formula ${m.expected}`;
  return undefined;
}

async function capacityCase(t: CaseContext, config: Partial<ServerConfig>): Promise<void> {
  const violation = capacityViolation(await measurePeak(t, config));
  check(!violation, `${t.specClass} ${JSON.stringify(config)}: ${violation}`);
}

/** The timeout the stalled-body case asks for, and how long after it another client may wait. */
const STALL_TIMEOUT_S = 3;
const STALL_SLACK_S = 5;

export default defineGroup({
  name: 'concurrency',
  summary:
    'Capacity is workers for sync, workers x threads for gthread (bounded by worker_connections), ' +
    'and workers x worker_connections for async. Requests beyond capacity wait (in the kernel ' +
    'backlog or the worker\'s queue) and are served later, never refused.',
  cases: [
    {
      id: 'concurrency.sync-capacity',
      level: 'MUST',
      requirement: 'A sync server runs exactly `workers` requests at once.',
      refs: [docs('gunicorn', 'design', '"sync workers ... handle a single request at a time"')],
      classes: ['sync'],
      run: (t) => capacityCase(t, { workers: 2 }),
    },
    {
      id: 'concurrency.gthread-capacity',
      level: 'MUST',
      requirement: 'Each gthread worker runs exactly `threads` requests at once, and the server never more than workers x threads.',
      refs: [docs('gunicorn', 'settings#threads'), gunicornCode('workers/gthread.py')],
      classes: ['gthread'],
      settings: ['threads'],
      run: (t) => capacityCase(t, { workers: 2, threads: 2 }),
    },
    {
      id: 'concurrency.gthread-balanced',
      level: 'SHOULD',
      requirement: 'A gthread server runs workers x threads requests at once when that many arrive together: no worker takes connections it has no thread for while another worker idles.',
      refs: [gunicornIssues([908, 2191, 3433], 'gthread accepts connections beyond its threads')],
      classes: ['gthread'],
      async run(t) {
        const { peak, expected, config } = await measurePeak(t, { workers: 2, threads: 2 });
        const { workers, threads } = config;
        checkEqual(peak, expected, `peak concurrent requests for ${workers} workers x ${threads} threads`);
      },
    },
    {
      id: 'concurrency.gthread-balanced-keepalive',
      level: 'SHOULD',
      requirement:
        'A gthread worker whose only thread runs a request that came on a kept-alive connection takes no new connection while another worker idles: the other worker answers it.',
      refs: [gunicornIssues([908, 2191], 'gthread accepts connections beyond its threads')],
      classes: ['gthread'],
      async run(t) {
        const HOLD_MS = 1200;
        const server = await t.start({ workers: 2, threads: 1 });
        requireGiven(server, { workers: 2, threads: 1 });
        await settledWorkers(server, 2);
        // Which worker the kernel wakes for a new connection is a coin toss: several rounds.
        for (let round = 1; round <= 6; round++) {
          const { connection, response } = await exchange(server, { target: '/pid' });
          const held = answerOf<{ pid: number }>('GET /pid', '/pid', response).pid;
          try {
            // A second request on the kept connection holds its worker's thread; its first piece
            // (with the head) proves it runs before the new connection is made.
            await connection.write(formatRequest({ target: `/stream?chunks=2&bytes=1&delay=${HOLD_MS}` }, hostHeader(server)));
            await eventually(() => connection.pending.includes('\r\n\r\n'), { within: 5000, what: 'the held request to start', seen: () => bytesWords(connection.pending) });
            const sent = Date.now();
            const { pid } = await getJson<{ pid: number }>(server, '/pid', {}, { timeoutMs: HOLD_MS + 10_000 });
            t.evidence(`round ${round}`, { held, answeredBy: pid, ms: Date.now() - sent });
            check(pid !== held, `round ${round}: worker ${held}, its only thread busy, took a new connection (answered after ${Date.now() - sent} ms) while the other worker idled`);
            // The held request ends before the next round, so both workers start it idle.
            await connection.readResponse({ timeoutMs: HOLD_MS + 10_000 });
          } finally {
            connection.destroy();
          }
        }
      },
    },
    {
      id: 'concurrency.ended-connection-frees-capacity',
      level: 'SHOULD',
      requirement:
        'A connection the server has ended (an error answer to a malformed request) holds none of its capacity while the client keeps its own side open: with one worker of capacity one, another client is answered within 5 s.',
      refs: [rfc(9112, '9.6', 'the server closes after an error; a client need not'), gunicornCode('workers/sync.py', 'handle()', 'closes the socket after handle_error')],
      async run(t) {
        const server = await t.start({ workers: 1, threads: 1, connections: 1 });
        requireGiven(server, { workers: 1, threads: 1, connections: 1 });
        // A client that never closes: its socket stays open when the server ends the connection.
        const held = await Connection.open(server.host, server.port, undefined, 5000, true);
        try {
          await held.write(`GET /pid HTTP/1.1\r\nHost: ${hostHeader(server)}\r\nThis-Line-Has-No-Colon\r\n\r\n`);
          // Refused with a 4xx, or closed without an answer: either way the server is done with it.
          const refused = await held.readResponse({ timeoutMs: 5000 }).catch((error: unknown) => {
            if (error instanceof WireError && held.closeState !== 'open') return undefined;
            throw error;
          });
          // A server that serves the malformed request never ends the connection: this rule has
          // nothing to judge (refusing it is http.error-response-shape's and malformed-request-rejected's).
          if (refused && refused.status < 400) throw new UnmetPremise(`the malformed request was answered ${refused.status}, not refused: no connection the server ended to judge`);
          const other = await getJson(server, '/pid', {}, { timeoutMs: 5000 }).catch((error: unknown) => {
            if (!(error instanceof WireError)) throw error;
            // Which side kept it: the server closing after its answer is http.error-response-shape's rule.
            const kept = held.closeState === 'open' ? 'the server had not closed it either' : 'the server had closed its side';
            throw new Violation(`another client got no answer while the refused connection stayed open on the client's side (${kept}): ${error.message}`);
          });
          t.evidence('answered by', other.pid);
        } finally {
          held.destroy();
        }
      },
    },
    {
      id: 'concurrency.stalled-body-frees-capacity',
      level: 'SHOULD',
      requirement:
        `A request whose body stops coming holds no capacity for long: with one worker of capacity one and timeout ${STALL_TIMEOUT_S} s, a client that sends a head with Content-Length: 10 and 3 bytes of body, then nothing, does not keep another client from being answered within timeout + ${STALL_SLACK_S} s.`,
      refs: [
        rfc(9110, '15.5.9', '408: the server did not receive a complete request within the time it was prepared to wait'),
        rfc(9112, '9.6', 'a server may close a connection it no longer waits on'),
        gunicornCode('workers/sync.py', undefined, 'timeout bounds the request, its body included'),
      ],
      settings: ['timeout'],
      async run(t) {
        const server = await t.start({ workers: 1, threads: 1, connections: 1, timeout: STALL_TIMEOUT_S });
        requireGiven(server, { workers: 1, threads: 1, connections: 1 });
        const held = await Connection.open(server.host, server.port);
        try {
          await held.write(`POST /echo HTTP/1.1\r\nHost: ${hostHeader(server)}\r\nContent-Length: 10\r\n\r\nabc`);
          const within = (server.config.timeout + STALL_SLACK_S) * 1000;
          const other = await getJson(server, '/pid', {}, { timeoutMs: within }).catch((error: unknown) => {
            if (!(error instanceof WireError)) throw error;
            throw new Violation(`another client got no answer while a request body stalled (timeout ${server.config.timeout} s, waited ${within} ms; the stalled request ${held.closeState === 'open' ? 'still open' : `ended: ${held.closeState}`}, it got ${bytesWords(held.pending)}): ${error.message}`);
          });
          t.evidence('answered by', other.pid);
        } finally {
          held.destroy();
        }
      },
    },
    {
      id: 'concurrency.async-capacity',
      level: 'MUST',
      requirement: 'An async server runs exactly workers x worker_connections requests at once.',
      refs: [docs('gunicorn', 'settings#worker-connections'), gunicornCode('workers/ggevent.py', undefined, 'pool size')],
      classes: ['async'],
      settings: ['connections'],
      run: (t) => capacityCase(t, { workers: 2, connections: 3 }),
    },
    {
      id: 'concurrency.capacity-formula',
      level: 'MUST',
      requirement: 'Over generated configurations (workers 1-3, threads 1-4, worker_connections 1-4) the measured peak equals the capacity formula of the class.',
      refs: [docs('gunicorn', 'settings#workers'), docs('gunicorn', 'settings#threads'), docs('gunicorn', 'settings#worker-connections')],
      profile: 'gunicorn',
      budgetMs: 90_000,
      settings: ['threads', 'connections'],
      async run(t) {
        const config = fc.record({
          workers: fc.integer({ min: 1, max: 3 }),
          threads: fc.integer({ min: 1, max: 4 }),
          connections: fc.integer({ min: 1, max: 4 }),
        });
        await checkProperty(
          t,
          fc.asyncProperty(config, async (c) => {
            const violation = capacityViolation(await measurePeak(t, c));
            if (violation) throw new Violation(violation);
          }),
          { numRuns: 4, timeLimitMs: 40_000, noShrink: true },
        );
      },
    },
    {
      id: 'concurrency.excess-queued-not-refused',
      level: 'MUST',
      requirement: 'Requests beyond capacity (capacity + 4 at once) all succeed: they wait, they are not refused or reset.',
      refs: [docs('gunicorn', 'settings#backlog'), docs('gunicorn', 'design', 'the kernel queues what workers have not accepted')],
      async run(t) {
        const server = await t.start({ workers: 1, threads: t.specClass === 'gthread' ? 2 : 1, connections: 2 });
        const expected = capacity(t.specClass, server.config);
        const intervals = await sleepers(server, expected + 4, 300);
        checkEqual(intervals.length, expected + 4, 'requests answered 200');
      },
    },
    {
      id: 'concurrency.threads-ignored-by-async',
      level: 'MUST',
      requirement: 'An async worker ignores `threads`: with threads 4 and worker_connections 1 it runs one request at a time.',
      refs: [docs('gunicorn', 'settings#threads', '"only affects the Gthread worker type"')],
      profile: 'gunicorn',
      classes: ['async'],
      run: (t) => capacityCase(t, { workers: 1, threads: 4, connections: 1 }),
    },
    {
      id: 'concurrency.sync-threads-promote-gthread',
      level: 'MUST',
      requirement: 'A sync server started with threads > 1 behaves as gthread: workers x threads requests at once.',
      refs: [
        docs('gunicorn', 'settings#threads', '"If you try to use the sync worker type and set the threads setting to more than 1, the gthread worker type will be used instead"'),
      ],
      profile: 'gunicorn',
      classes: ['sync'],
      async run(t) {
        const { peak } = await measurePeak(t, { workers: 1, threads: 3 });
        checkEqual(peak, 3, 'peak concurrent requests of one sync worker with threads 3');
      },
    },
    {
      id: 'concurrency.sync-work-conserving',
      level: 'MUST',
      requirement: 'While one sync worker is busy, an idle worker serves waiting connections: short requests finish before a long one.',
      refs: [
        docs('unicorn', 'DESIGN', 'worker processes only select()/accept() outside of the application dispatch'),
        gunicornCode('workers/sync.py', undefined, 'a worker accepts only when idle, so it never holds connections it cannot serve'),
      ],
      classes: ['sync'],
      async run(t) {
        const server = await t.start({ workers: 2 });
        const long = getJson<{ end: number }>(server, '/sleep?ms=2000', {}, { timeoutMs: 10_000 });
        const shorts = [];
        for (let i = 0; i < 4; i++) shorts.push(await getJson<{ end: number }>(server, '/sleep?ms=50', {}, { timeoutMs: 10_000 }));
        const longEnd = (await long).end;
        const late = shorts.filter((s) => s.end >= longEnd);
        t.evidence('shortEnds', shorts.map((s) => Math.round(longEnd - s.end)));
        check(late.length === 0, `${late.length} short request(s) waited for the long one`);
      },
    },
  ],
});
